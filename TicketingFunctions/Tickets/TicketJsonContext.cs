using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TicketingFunctions.Tickets;

/// <summary>
/// Source-generated JSON metadata for a ticket as the API answers it, which is also how the stores read and the
/// embedded store keeps it. Here, beside the ticket, so that the stores need nothing from the API's layer; the API's
/// <c>ApiJsonContext</c> has the same options, so both write a ticket byte for byte alike (the listing's differential
/// test compares them).
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    PropertyNameCaseInsensitive = false,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(Ticket))]
[JsonSerializable(typeof(IReadOnlyList<TicketHistoryEntry>))]
[JsonSerializable(typeof(TicketComment))]
[JsonSerializable(typeof(Events.TicketEvent))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class TicketJsonContext : JsonSerializerContext
{
    /// <summary>The name of a ticket's field values, the one member a listing leaves out unless asked.</summary>
    public const string DataProperty = "data";

    /// <summary>
    /// How tickets' strings are escaped, in answers and in the embedded store's documents alike: relaxed, so values such
    /// as "&lt;p&gt;" or "&lt;2week" read back as sent (bodies are application/json, never HTML). Writers put it on their
    /// <see cref="Utf8JsonWriter"/>: System.Text.Json runs the generated fast-path serializers only for options without
    /// an encoder of their own.
    /// </summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
}
