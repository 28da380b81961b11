using System.Text.Json.Serialization;

namespace TicketingFunctions.Tickets.Events;

/// <summary>
/// One event of a ticket as the stores keep it, without the ticket's snapshot (kept beside it: the revision's own JSON).
/// Everything here follows from the ticket revision that yielded it, so deriving it again gives the same event, id
/// included. <see cref="Position"/> is the tenant's feed order, given by the store when the event enters the feed.
/// </summary>
public sealed record TicketEvent
{
    [JsonPropertyName("position")] public long Position { get; init; }
    /// <summary>Deterministic: <see cref="TicketEvents.IdOf"/>. A redelivery carries the same id.</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("type")] public required string Type { get; init; }
    /// <summary>When it happened: the revision's <c>updated_at</c> (for a breach, the clock's target), in the timestamp format.</summary>
    [JsonPropertyName("time")] public required string Time { get; init; }
    [JsonPropertyName("tenant_id")] public required string TenantId { get; init; }
    [JsonPropertyName("ticket_id")] public required string TicketId { get; init; }
    /// <summary>The display id: the envelope's <c>subject</c>.</summary>
    [JsonPropertyName("object_id")] public required string ObjectId { get; init; }
    [JsonPropertyName("team_id")] public required string TeamId { get; init; }
    /// <summary>The ticket's <c>version</c> the event describes: the envelope's <c>sequence</c>.</summary>
    [JsonPropertyName("sequence")] public required int Sequence { get; init; }
    /// <summary>The write's changed keys, old → new, as its history entry names them; null for a breach.</summary>
    [JsonPropertyName("changes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, ValueChange>? Changes { get; init; }
    /// <summary>For <see cref="TicketEventTypes.SlaBreached"/>: the clock that passed its target.</summary>
    [JsonPropertyName("sla"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TicketSla? Sla { get; init; }
    /// <summary>For <see cref="TicketEventTypes.Moved"/>: where the ticket was and where it is, both ids of each.</summary>
    [JsonPropertyName("move"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TicketEventMove? Move { get; init; }
    /// <summary>For <see cref="TicketEventTypes.CommentCreated"/>: the public comment.</summary>
    [JsonPropertyName("comment"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TicketEventComment? Comment { get; init; }
    /// <summary>For <see cref="TicketEventTypes.WebhookDisabled"/>: the subscription (its id is also the ticket and object id; team empty).</summary>
    [JsonPropertyName("subscription"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TicketEventSubscription? Subscription { get; init; }

    /// <summary>
    /// The event of a subscription disabled because its endpoint has failed since <paramref name="failingSince"/>. Its id
    /// follows from the subscription and that time, so recording it again (after a crash before the status was saved) adds nothing.
    /// </summary>
    public static TicketEvent WebhookDisabled(string tenantId, string subscriptionId, string url, string failingSince, string disabledAt) => new()
    {
        Id = $"{subscriptionId}-disabled-{failingSince}",
        Type = TicketEventTypes.WebhookDisabled,
        Time = disabledAt,
        TenantId = tenantId,
        TicketId = subscriptionId,
        ObjectId = subscriptionId,
        TeamId = "",
        Sequence = 1,
        Subscription = new TicketEventSubscription(subscriptionId, url, failingSince, disabledAt),
    };
}

/// <summary>A disabled subscription as its event tells it.</summary>
public sealed record TicketEventSubscription(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("failing_since")] string FailingSince,
    [property: JsonPropertyName("disabled_at")] string DisabledAt);

/// <summary>A move's two places: the ticket before it and after it (a move within the type keeps both ids).</summary>
public sealed record TicketEventMove(
    [property: JsonPropertyName("from")] TicketPlace From,
    [property: JsonPropertyName("to")] TicketPlace To);

/// <summary>Where a ticket is: its UUID, its display id, its team and its type.</summary>
public sealed record TicketPlace(
    [property: JsonPropertyName("ticket_id")] string TicketId,
    [property: JsonPropertyName("object_id")] string ObjectId,
    [property: JsonPropertyName("teamId")] string TeamId,
    [property: JsonPropertyName("itemTypeId")] string ItemTypeId);

/// <summary>A public comment as an event tells it: who wrote what, when (the comment's own etag and revisions are not told).</summary>
public sealed record TicketEventComment(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("author")] string Author,
    [property: JsonPropertyName("agent")] bool Agent,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("body")] string Body);
