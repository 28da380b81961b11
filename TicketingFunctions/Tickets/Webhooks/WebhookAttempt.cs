using System.Globalization;
using System.Text.Json.Serialization;

namespace TicketingFunctions.Tickets.Webhooks;

/// <summary>
/// One delivery attempt, as the delivery log keeps it (a document in the tenant's partition): when, which event, the
/// answer's status or the error, the latency and the answer's first 1 KB. <see cref="Id"/> sorts by time, so a log page
/// is a keyset read from the newest down.
/// </summary>
public sealed record WebhookAttempt
{
    public const string DocumentKind = "webhook_attempt";

    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("tenant_id")] public required string TenantId { get; init; }
    [JsonPropertyName("kind")] public string Kind => DocumentKind;
    [JsonPropertyName("webhook_id")] public required string WebhookId { get; init; }
    [JsonPropertyName("event_id")] public required string EventId { get; init; }
    [JsonPropertyName("event_type")] public required string EventType { get; init; }
    /// <summary>The event's position in the tenant's feed: what a redelivery of this event reads again.</summary>
    [JsonPropertyName("event_position")] public required long EventPosition { get; init; }
    [JsonPropertyName("attempted_at")] public required string AttemptedAt { get; init; }
    [JsonPropertyName("success")] public required bool Success { get; init; }
    [JsonPropertyName("status")] public int? Status { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("latency_ms")] public required long LatencyMs { get; init; }
    [JsonPropertyName("response")] public string? Response { get; init; }
    /// <summary>Cosmos DB removes the document after this many seconds (the log's retention).</summary>
    [JsonPropertyName("ttl"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Ttl { get; init; }

    /// <summary>An id that sorts by <paramref name="at"/> (ticks, fixed width), unique by a random suffix.</summary>
    public static string NewId(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks:D19}-{Guid.NewGuid():N}");
}

/// <summary>A page of the delivery log, newest first, and the id to continue after (null at the end).</summary>
public sealed record WebhookAttemptPage(IReadOnlyList<WebhookAttempt> Attempts, string? Next);
