using System.Text.Json.Serialization;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Api;

/// <summary>A page of the tenant's event feed: the events in feed order, the cursor to resume after them, and whether more are waiting now.</summary>
public sealed record EventFeedResponse(
    [property: JsonPropertyName("events")] IReadOnlyList<TicketCloudEvent> Events,
    [property: JsonPropertyName("cursor")] string Cursor,
    [property: JsonPropertyName("hasMore")] bool HasMore)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-2)] public bool Success => true;
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status => 200;
}

/// <summary>
/// A ticket event in CloudEvents 1.0 structured JSON: the required attributes, <c>subject</c> (the display id),
/// <c>time</c>, <c>datacontenttype</c>, and two extension attributes: <c>tenant</c> and <c>sequence</c> (the ticket's
/// version, so a consumer can drop a stale event).
/// </summary>
public sealed record TicketCloudEvent(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] string Time,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("sequence")] int Sequence,
    [property: JsonPropertyName("data")] TicketEventData Data)
{
    public const string SpecVersion = "1.0";
    /// <summary>Every event's <c>source</c>: the API that tells it (ids are unique within it).</summary>
    public const string EventSource = "/api/v2/ticketing";

    [JsonPropertyName("specversion"), JsonPropertyOrder(-1)] public string Specversion => SpecVersion;
    [JsonPropertyName("datacontenttype")] public string Datacontenttype => "application/json";
}

/// <summary>
/// An event's <c>data</c>: the ticket as a read answers it at the event's version (without its <c>data</c> unless
/// asked), the write's changed keys old → new as its history entry names them (not for a breach), and the breached
/// clock (only for a breach), where a move took the ticket from and to (only for <c>ticket.moved</c>), and the public
/// comment (only for <c>comment.created</c>).
/// </summary>
public sealed record TicketEventData(
    [property: JsonPropertyName("ticket"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Ticket? Ticket,
    [property: JsonPropertyName("changes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, ValueChange>? Changes,
    [property: JsonPropertyName("sla"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TicketSla? Sla,
    [property: JsonPropertyName("move"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TicketEventMove? Move = null,
    [property: JsonPropertyName("comment"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TicketEventComment? Comment = null,
    [property: JsonPropertyName("subscription"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TicketEventSubscription? Subscription = null);
