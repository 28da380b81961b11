using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TicketingFunctions.Tickets;

/// <summary>
/// A ticket as stored and as returned by the API. The JSON names are the contract's;
/// <c>tenant_id</c> is the partition key and always comes from the validated token.
/// </summary>
public sealed record Ticket
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("tenant_id")] public required string TenantId { get; init; }
    [JsonPropertyName("object_id")] public required string ObjectId { get; init; }
    /// <summary>The API's concurrency token: a UUID that changes on every write.</summary>
    [JsonPropertyName("etag")] public required string Etag { get; init; }
    [JsonPropertyName("summary")] public required string Summary { get; init; }
    [JsonPropertyName("data")] public required JsonObject Data { get; init; }
    [JsonPropertyName("lookup_props")] public required LookupProps LookupProps { get; init; }
    /// <summary>
    /// The display id of the ticket this one was moved to (to another ticket type); null while the ticket is live. A
    /// ticket with it is a tombstone: every operation on it answers 308 to the newest successor.
    /// </summary>
    [JsonPropertyName("moved_to"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? MovedTo { get; init; }
    [JsonPropertyName("deleted_seq")] public long DeletedSeq { get; init; } = -1;
    [JsonPropertyName("version")] public int Version { get; init; } = 1;
    [JsonPropertyName("status_type")] public required string StatusType { get; init; }
    [JsonPropertyName("status_category")] public required string StatusCategory { get; init; }
    /// <summary>Who works the ticket; null when nobody is assigned.</summary>
    [JsonPropertyName("assignee"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public Assignee? Assignee { get; init; }
    [JsonPropertyName("created_at")] public required string CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public required string UpdatedAt { get; init; }
    /// <summary>When the ticket last entered the Done category; null while it is not done.</summary>
    [JsonPropertyName("resolved_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? ResolvedAt { get; init; }
    [JsonPropertyName("id_serial")] public long IdSerial { get; init; }
    [JsonPropertyName("metrics")] public IReadOnlyList<TicketMetric> Metrics { get; init; } = [];
    [JsonPropertyName("slas")] public IReadOnlyList<TicketSla> Slas { get; init; } = [];
    [JsonPropertyName("source")] public required string Source { get; init; }
    [JsonPropertyName("type")] public required string CatalogType { get; init; }
    [JsonPropertyName("module")] public required string Module { get; init; }
    [JsonPropertyName("is_support_request")] public bool IsSupportRequest { get; init; }
    [JsonPropertyName("attachments")] public JsonObject Attachments { get; init; } = [];
    [JsonPropertyName("ticket_relation"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public JsonObject? TicketRelation { get; init; }
    /// <summary>
    /// How many public comments the ticket has (with those of the tickets it was moved from), and when the newest was
    /// written. Internal notes are in neither, so every reader sees the same values. Written by comments
    /// (<see cref="TicketConversation"/>) without changing the etag, and copied as plain values by a move.
    /// </summary>
    [JsonPropertyName("comment_count")] public int CommentCount { get; init; }
    [JsonPropertyName("last_comment_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? LastCommentAt { get; init; }

    /// <summary>
    /// The newest change-history entries, oldest first (older ones are in the store's history archive). Stored in the
    /// ticket document as <c>change_history</c> by the store serializer (<see cref="Storage.StoreJson"/>), so a write carries
    /// its own history entry; <c>[JsonIgnore]</c> keeps it out of every API response and schema.
    /// </summary>
    [JsonIgnore] public IReadOnlyList<TicketHistoryEntry> History { get; init; } = [];

    /// <summary>
    /// Which stored revision this instance was read from, so that a store can replace it with one
    /// conditional request (Cosmos DB: IfMatchEtag on the <c>_etag</c> it read). Set by the store,
    /// carried along by <c>with</c>, never serialized and not part of the API.
    /// </summary>
    [JsonIgnore] internal StoredRevision? Revision { get; init; }

    /// <summary>
    /// The ids (UUIDs) of the tickets this one succeeds through moves to another ticket type, oldest first. Stored
    /// (<c>moved_from</c>), never answered: what belongs to a ticket by its id (archived history, linked uploads,
    /// comments) is read for <c>[..MovedFrom, Id]</c>, so a move rewrites none of it.
    /// </summary>
    [JsonIgnore] public IReadOnlyList<string> MovedFrom { get; init; } = [];

    /// <summary>
    /// Stored only by a store that can't write a move in one commit (Cosmos DB): on a tombstone, the successor it
    /// still has to create. Whoever reads the tombstone creates it (idempotently) and clears this. Never answered.
    /// </summary>
    [JsonIgnore] public Ticket? PendingSuccessor { get; init; }

    /// <summary>
    /// Stored only, on a tombstone: the Idempotency-Key record that asked for the move, so that a retry with that key
    /// after a crash finishes the same move rather than finding a ticket that is already moved. Never answered.
    /// </summary>
    [JsonIgnore] public string? MovedByKey { get; init; }
}

public sealed record LookupProps(
    [property: JsonPropertyName("teamId")] string TeamId,
    [property: JsonPropertyName("itemTypeId")] string ItemTypeId);

public sealed record Assignee([property: JsonPropertyName("username")] string Username);
