using System.Globalization;
using System.Text.Json.Serialization;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Storage;

/// <summary>
/// A ticket document's stored-only member <c>events</c> (Cosmos DB): whether it holds events not yet in the tenant's
/// feed, the last version whose own events are in it, and the backlog: events of earlier versions (or breaches) that a
/// later write carried on before they were handed over. Every write by the API sets <see cref="Pending"/>; the
/// publisher clears it, conditionally on the document's <c>_etag</c>, once every one of them is in the feed.
/// </summary>
internal sealed record TicketEventState(
    [property: JsonPropertyName("pending")] bool Pending,
    [property: JsonPropertyName("published_version")] int PublishedVersion,
    [property: JsonPropertyName("backlog"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<EventDocument>? Backlog)
{
    public const string PropertyName = "events";

    /// <summary>What a create writes: its events are pending, none is published.</summary>
    public static readonly TicketEventState Created = new(true, 0, null);

    /// <summary><see cref="Created"/> as the JSON the store writes.</summary>
    public static readonly System.Text.Json.JsonElement CreatedMember = System.Text.Json.JsonSerializer.SerializeToElement(Created, StoreJsonContext.Default.TicketEventState);

    /// <summary>The state in a document as read; null for a document written before events.</summary>
    public static TicketEventState? Of(System.Text.Json.JsonElement? document) =>
        document is { } d && d.TryGetProperty(PropertyName, out var state) && state.ValueKind == System.Text.Json.JsonValueKind.Object
            ? System.Text.Json.JsonSerializer.Deserialize(state, StoreJsonContext.Default.TicketEventState)
            : null;
}

/// <summary>
/// One event of a tenant's feed, in the events container (partition tenant_id): id = the event's deterministic id, so a
/// second hand-over of it is refused (409) rather than repeated; <c>position</c> the tenant's feed order; <c>ttl</c> the
/// feed's retention; the ticket as the API answers it at the event's version.
/// </summary>
internal sealed record EventDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("position")] long Position,
    [property: JsonPropertyName("published_at")] string? PublishedAt,
    [property: JsonPropertyName("ttl"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Ttl,
    [property: JsonPropertyName("event")] Tickets.Events.TicketEvent? Event,
    [property: JsonPropertyName("ticket")] System.Text.Json.JsonElement? Ticket)
{
    /// <summary>
    /// A position a publisher took and will not fill (its event was in the feed already): marked, so that readers
    /// pass it at once instead of waiting for an event that won't come. No event, no ticket.
    /// </summary>
    public static EventDocument Unused(string tenantId, long position, string publishedAt, int? ttl) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"unused-{position:D19}"), tenantId, position, publishedAt, ttl, null, null);
}

/// <summary>A tenant's catalog as one document of the tenants container: id "catalog", partition tenant_id.</summary>
internal sealed record CatalogDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("catalog")] TenantCatalog Catalog)
{
    public const string DocumentId = "catalog";

    public static CatalogDocument For(TenantCatalog catalog) => new(DocumentId, catalog.TenantId, DocumentId, catalog);
}

/// <summary>
/// The tenants the store holds catalogs for, as one document of the tenants container in a partition of its own
/// (<see cref="PartitionKeyValue"/>, never a tenant's: tenant ids are UUIDs): each catalog write adds its tenant with a
/// patch. The timer's per-tenant passes read it with one point read instead of a query across every partition.
/// </summary>
internal sealed record TenantRegistryDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("tenants")] Dictionary<string, bool> Tenants)
{
    public const string DocumentId = "tenants";
    public const string PartitionKeyValue = "_registry";

    public static TenantRegistryDocument Empty() => new(DocumentId, PartitionKeyValue, DocumentId, new Dictionary<string, bool>(StringComparer.Ordinal));
}

/// <summary>
/// A tenant's counter document in the tenants container: id "counter", partition tenant_id.
/// <c>serial</c> counts every ticket of the tenant; <c>numbers</c> holds one number per display-id prefix; <c>deletions</c>
/// counts deleted tickets (each deleted ticket's <c>deleted_seq</c>; absent in counters older than deletion, which reads as 0).
/// Both are only ever changed by patch Increment operations, which Cosmos DB applies atomically.
/// </summary>
internal sealed record CounterDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("serial")] long Serial,
    [property: JsonPropertyName("numbers")] Dictionary<string, long> Numbers,
    [property: JsonPropertyName("deletions")] long Deletions = 0,
    [property: JsonPropertyName("events")] long Events = 0)
{
    public const string DocumentId = "counter";

    public static CounterDocument Empty(string tenantId) => new(DocumentId, tenantId, DocumentId, 0, new Dictionary<string, long>(StringComparer.Ordinal), 0, 0);
}

/// <summary>
/// Entries moved out of a ticket's <c>change_history</c>, as one document of the tenants container (partition
/// tenant_id; the tickets container's unique key on /object_id rules it out there). Its id names the ticket and the
/// versions it holds, so archiving the same entries again (a retry, or two writers racing from one revision)
/// rewrites the same document, and different ranges never overwrite each other.
/// </summary>
internal sealed record HistoryArchiveDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("ticket_id")] string TicketId,
    [property: JsonPropertyName("first_version")] int FirstVersion,
    [property: JsonPropertyName("last_version")] int LastVersion,
    [property: JsonPropertyName("entries")] IReadOnlyList<TicketHistoryEntry> Entries)
{
    public const string KindName = "history";

    public static HistoryArchiveDocument For(string tenantId, string ticketId, IReadOnlyList<TicketHistoryEntry> entries)
    {
        var first = entries.Min(e => e.Version);
        var last = entries.Max(e => e.Version);
        var id = string.Create(CultureInfo.InvariantCulture, $"history-{ticketId}-{first:D10}-{last:D10}");
        return new HistoryArchiveDocument(id, tenantId, KindName, ticketId, first, last, [.. entries.OrderBy(e => e.Version)]);
    }
}
