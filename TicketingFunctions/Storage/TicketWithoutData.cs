using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Storage;

/// <summary>
/// Reads a stored ticket without its <c>data</c>, which is skipped rather than built (the ticket gets an empty
/// one): what a store answers for a listing that doesn't include data (<see cref="TicketListQuery.IncludeData"/>).
/// A missing <c>data</c> (Cosmos DB's projection leaves it out) still fails the read: it is required.
/// </summary>
public static class TicketWithoutData
{
    private static readonly JsonTypeInfo<Ticket> TicketSkippingData = CreateSkippingData();

    public static Ticket Read(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize(json, TicketSkippingData)!;

    public static Ticket Read(JsonElement json) => json.Deserialize(TicketSkippingData)!;

    private static JsonTypeInfo<Ticket> CreateSkippingData()
    {
        var options = new JsonSerializerOptions(TicketJsonContext.Default.Options)
        {
            TypeInfoResolver = TicketJsonContext.Default.WithAddedModifier(static info =>
            {
                if (info.Type != typeof(Ticket) || info.Kind != JsonTypeInfoKind.Object) return;
                foreach (var property in info.Properties)
                    if (property.Name == TicketJsonContext.DataProperty) property.CustomConverter = new SkippedObject();
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
}
