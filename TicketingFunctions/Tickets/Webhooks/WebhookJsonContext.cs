using System.Text.Json.Serialization;

namespace TicketingFunctions.Tickets.Webhooks;

/// <summary>Source-generated JSON of the stored subscription documents (both stores write these bytes).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(WebhookSubscription))]
[JsonSerializable(typeof(WebhookAttempt))]
public sealed partial class WebhookJsonContext : JsonSerializerContext;
