using System.Text.Json;
using Microsoft.Azure.Cosmos;

namespace TicketingFunctions.Storage;

/// <summary>
/// The Cosmos SDK's serializer for our documents, over System.Text.Json, so that the
/// <c>[JsonPropertyName]</c> names of <see cref="Tickets.Ticket"/> and the catalog models are the stored
/// names, and <see cref="System.Text.Json.Nodes.JsonNode"/> values round-trip. The SDK also uses it for
/// patch operation values and query parameters.
/// </summary>
public sealed class CosmosJsonSerializer : CosmosSerializer
{
    /// <summary>
    /// Plain System.Text.Json defaults (attribute names are the names, nothing is renamed), plus the members that are
    /// stored but never answered, such as a ticket's <c>change_history</c> (<see cref="StoreJson"/>).
    /// </summary>
    public static readonly JsonSerializerOptions Options = StoreJson.Options;

    private readonly JsonSerializerOptions _options;

    public CosmosJsonSerializer(JsonSerializerOptions? options = null) => _options = options ?? Options;

    public override T FromStream<T>(Stream stream)
    {
        // A caller that asks for the raw stream owns it.
        if (typeof(Stream).IsAssignableFrom(typeof(T))) return (T)(object)stream;
        using (stream)
        {
            if (stream.CanSeek && stream.Length == 0) return default!;
            return JsonSerializer.Deserialize<T>(stream, _options)!;
        }
    }

    public override Stream ToStream<T>(T input)
    {
        var stream = new MemoryStream();
        JsonSerializer.Serialize(stream, input, input?.GetType() ?? typeof(T), _options);
        stream.Position = 0;
        return stream;
    }
}
