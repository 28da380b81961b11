using System.Text.Json.Serialization;

namespace TicketingFunctions.Tickets.Webhooks;

/// <summary>
/// A tenant's webhook subscription as the stores keep it (one document in the tenant's partition): where to send, which
/// events, its signing secrets, and its delivery state. The delivery state is the subscription's own cursor in the
/// tenant's event feed: the events after <see cref="WebhookDeliveryState.Cursor"/> are still to be delivered, in feed
/// order, so nothing is lost while the feed keeps them, and a restart resumes where the last 2xx left off.
/// </summary>
public sealed record WebhookSubscription
{
    public const string DocumentKind = "webhook";

    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("tenant_id")] public required string TenantId { get; init; }
    /// <summary>Tells the subscription apart from the other documents of the tenants container (Cosmos DB).</summary>
    [JsonPropertyName("kind")] public string Kind => DocumentKind;
    [JsonPropertyName("url")] public required string Url { get; init; }
    [JsonPropertyName("description"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Description { get; init; }
    /// <summary>The event types delivered; empty: every type.</summary>
    [JsonPropertyName("event_types")] public IReadOnlyList<string> EventTypes { get; init; } = [];
    /// <summary>The teams whose tickets' events are delivered; empty: every team.</summary>
    [JsonPropertyName("team_ids")] public IReadOnlyList<string> TeamIds { get; init; } = [];
    /// <summary>Whether the delivered ticket carries its <c>data</c> (as the feed's <c>includeData</c>).</summary>
    [JsonPropertyName("include_data")] public bool IncludeData { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    /// <summary>The live signing secrets, newest first: two while a rotation's overlap lasts.</summary>
    [JsonPropertyName("secrets")] public required IReadOnlyList<WebhookSecret> Secrets { get; init; }
    [JsonPropertyName("created_at")] public required string CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public required string UpdatedAt { get; init; }
    /// <summary>Changes on every change the API makes (not on delivery progress): the If-Match of updates.</summary>
    [JsonPropertyName("etag")] public required string Etag { get; init; }
    [JsonPropertyName("delivery")] public WebhookDeliveryState Delivery { get; init; } = new();
    /// <summary>Events from this time on are delivered (the subscription's creation, or a replay's start); earlier ones are passed.</summary>
    [JsonPropertyName("deliver_from")] public required string DeliverFrom { get; init; }

    public bool Wants(string type, string teamId) =>
        (EventTypes.Count == 0 || EventTypes.Contains(type, StringComparer.Ordinal)) &&
        (TeamIds.Count == 0 || TeamIds.Contains(teamId, StringComparer.Ordinal));
}

/// <summary>The statuses of a subscription.</summary>
public static class WebhookStatus
{
    public const string Active = "active";
    public const string Paused = "paused";
    /// <summary>Set by delivery after an endpoint failed for <see cref="WebhookOptions.DisableAfterDays"/>; resume sets it active again.</summary>
    public const string Disabled = "disabled";
}

/// <summary>A signing secret (<c>whsec_</c> and base64 of random bytes) and, once rotated out, when it stops being used.</summary>
public sealed record WebhookSecret(
    [property: JsonPropertyName("secret")] string Secret,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("expires_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ExpiresAt);

/// <summary>
/// Where delivery stands: the feed position delivered through, and, while the next event fails, how many attempts it
/// had, when the next is due and since when the endpoint fails.
/// </summary>
public sealed record WebhookDeliveryState
{
    [JsonPropertyName("cursor")] public long Cursor { get; init; }
    [JsonPropertyName("attempts")] public int Attempts { get; init; }
    [JsonPropertyName("next_attempt_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? NextAttemptAt { get; init; }
    [JsonPropertyName("failing_since"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? FailingSince { get; init; }
    [JsonPropertyName("last_error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? LastError { get; init; }
    /// <summary>Feed positions of single events asked to be delivered again, sent before the cursor's next event.</summary>
    [JsonPropertyName("redeliver")] public IReadOnlyList<long> Redeliver { get; init; } = [];
}
