using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Api;

/// <summary>Source-generated JSON metadata for every type the API and the stores read or write: no reflection at run time.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    PropertyNameCaseInsensitive = false,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(CreateTicketResponse))]
[JsonSerializable(typeof(ReadTicketResponse))]
[JsonSerializable(typeof(UpdateTicketResponse))]
[JsonSerializable(typeof(TicketHistoryResponse))]
[JsonSerializable(typeof(DeleteTicketResponse))]
[JsonSerializable(typeof(MoveTicketResponse))]
[JsonSerializable(typeof(MovedTicketResponse))]
[JsonSerializable(typeof(AttachmentResponse))]
[JsonSerializable(typeof(TicketListResponse))]
[JsonSerializable(typeof(CommentResponse))]
[JsonSerializable(typeof(CommentPageResponse))]
[JsonSerializable(typeof(EventFeedResponse))]
[JsonSerializable(typeof(WebhookResponse))]
[JsonSerializable(typeof(WebhookListResponse))]
[JsonSerializable(typeof(WebhookAttemptListResponse))]
[JsonSerializable(typeof(Ticket))]
[JsonSerializable(typeof(CatalogFile))]
[JsonSerializable(typeof(TenantCatalog))]
[JsonSerializable(typeof(IReadOnlyList<TicketType>))]
[JsonSerializable(typeof(IReadOnlyList<Offer>))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class ApiJsonContext : JsonSerializerContext
{
    /// <summary>
    /// How the API escapes strings: relaxed, so values such as "&lt;p&gt;" or "&lt;2week" read back as sent. Bodies are
    /// application/json, never HTML, so HTML-sensitive characters need no escaping. Responses put it on their
    /// <see cref="Utf8JsonWriter"/> and serialize with <see cref="Default"/>'s metadata: System.Text.Json runs
    /// the generated fast-path serializers only for options without an encoder of their own.
    /// </summary>
    public static System.Text.Encodings.Web.JavaScriptEncoder ResponseEncoder => TicketJsonContext.Encoder;
}
