using System.Globalization;
using System.Text.Json.Serialization;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Storage;

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
    [property: JsonPropertyName("deletions")] long Deletions = 0)
{
    public const string DocumentId = "counter";

    public static CounterDocument Empty(string tenantId) => new(DocumentId, tenantId, DocumentId, 0, new Dictionary<string, long>(StringComparer.Ordinal), 0);
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
