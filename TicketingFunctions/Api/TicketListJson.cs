using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Api;

/// <summary>
/// How a listing is written: with <see cref="ApiJsonContext"/>'s metadata as is when <c>include=data</c>, else with
/// a contract modifier that leaves a ticket's <c>data</c> out (still source-generated metadata, no reflection).
/// </summary>
public static class TicketListJson
{
    public const string DataProperty = "data";

    public static JsonTypeInfo<TicketListResponse> WithData => ApiJsonContext.Default.TicketListResponse;

    private static readonly JsonSerializerOptions WithoutDataOptions = CreateWithoutDataOptions();

    /// <summary>
    /// Writes a listing's answer: from the tickets' stored JSON when the store gave it (<see cref="TicketPage.StoredJson"/>,
    /// the embedded store's fast path), else by serializing the tickets. The one place that tells the two apart.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, TicketListResult result)
    {
        if (result.Page.StoredJson is { } stored)
        {
            WritePage(output, stored, result.IncludeData, result.ContinuationToken);
            return;
        }
        // As HttpResults.Json writes every other answer: the response encoder on the writer, source-generated metadata.
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = ApiJsonContext.ResponseEncoder, SkipValidation = true });
        JsonSerializer.Serialize(writer, new TicketListResponse(result.Page.Tickets, result.ContinuationToken), result.IncludeData ? WithData : WithoutData);
    }

    /// <summary>
    /// Writes a page from its tickets' stored JSON: what serializing a <see cref="TicketListResponse"/> of the parsed
    /// tickets with <see cref="WithData"/> or <see cref="WithoutData"/> writes, byte for byte, without the parse.
    /// </summary>
    public static void WritePage(IBufferWriter<byte> output, IReadOnlyList<ListedTicketJson> tickets, bool includeData, string? continuationToken)
    {
        output.Write("{\"success\":true,\"status\":200,\"tickets\":["u8);
        for (var i = 0; i < tickets.Count; i++)
        {
            if (i > 0) output.Write(","u8);
            tickets[i].WriteTo(output, includeData);
        }
        output.Write("],\"continuationToken\":"u8);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = ApiJsonContext.ResponseEncoder, SkipValidation = true }))
        {
            if (continuationToken is null) writer.WriteNullValue(); else writer.WriteStringValue(continuationToken);
        }
        output.Write("}"u8);
    }

    public static JsonTypeInfo<TicketListResponse> WithoutData { get; } =
        (JsonTypeInfo<TicketListResponse>)WithoutDataOptions.GetTypeInfo(typeof(TicketListResponse));

    /// <summary>
    /// Reads a stored ticket without its <c>data</c>, which is skipped rather than built (the ticket gets an empty
    /// one): what a store answers for a listing that doesn't include data (<see cref="Tickets.Listing.TicketListQuery.IncludeData"/>).
    /// A missing <c>data</c> (Cosmos DB's projection leaves it out) still fails the read: it is required.
    /// </summary>
    private static readonly JsonTypeInfo<Ticket> TicketSkippingData = CreateSkippingData();

    public static Ticket ReadWithoutData(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize(json, TicketSkippingData)!;

    public static Ticket ReadWithoutData(JsonElement json) => json.Deserialize(TicketSkippingData)!;

    private static JsonTypeInfo<Ticket> CreateSkippingData()
    {
        var options = new JsonSerializerOptions(ApiJsonContext.Default.Options)
        {
            TypeInfoResolver = ApiJsonContext.Default.WithAddedModifier(static info =>
            {
                if (info.Type != typeof(Ticket) || info.Kind != JsonTypeInfoKind.Object) return;
                foreach (var property in info.Properties)
                    if (property.Name == DataProperty) property.CustomConverter = new SkippedObject();
            }),
        };
        return (JsonTypeInfo<Ticket>)options.GetTypeInfo(typeof(Ticket));
    }

    /// <summary>Reads an object by skipping it, giving an empty one: no DOM is built for a value nobody will read.</summary>
    private sealed class SkippedObject : System.Text.Json.Serialization.JsonConverter<System.Text.Json.Nodes.JsonObject>
    {
        public override System.Text.Json.Nodes.JsonObject Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return [];
        }

        public override void Write(Utf8JsonWriter writer, System.Text.Json.Nodes.JsonObject value, JsonSerializerOptions options) =>
            throw new NotSupportedException("Only for reading.");
    }

    private static JsonSerializerOptions CreateWithoutDataOptions()
    {
        var options = new JsonSerializerOptions(ApiJsonContext.Default.Options)
        {
            TypeInfoResolver = ApiJsonContext.Default.WithAddedModifier(static info =>
            {
                if (info.Type != typeof(Ticket) || info.Kind != JsonTypeInfoKind.Object) return;
                for (var i = info.Properties.Count - 1; i >= 0; i--)
                    if (info.Properties[i].Name == DataProperty) info.Properties.RemoveAt(i);
            }),
        };
        options.MakeReadOnly();
        return options;
    }
}
