using System.Text.Json.Serialization;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Storage;

/// <summary>
/// The stored revision a <see cref="Tickets.Ticket"/> instance was read from: the API etag it had then and
/// the store's own version of the document (Cosmos DB's <c>_etag</c>).
/// </summary>
internal sealed record StoredRevision(string TenantId, string TicketId, string ApiEtag, string StoreEtag);

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
/// <c>serial</c> counts every ticket of the tenant; <c>numbers</c> holds one number per display-id prefix.
/// Both are only ever changed by patch Increment operations, which Cosmos DB applies atomically.
/// </summary>
internal sealed record CounterDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("serial")] long Serial,
    [property: JsonPropertyName("numbers")] Dictionary<string, long> Numbers)
{
    public const string DocumentId = "counter";

    public static CounterDocument Empty(string tenantId) => new(DocumentId, tenantId, DocumentId, 0, new Dictionary<string, long>(StringComparer.Ordinal));
}
