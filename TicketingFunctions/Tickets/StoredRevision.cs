namespace TicketingFunctions.Tickets;

/// <summary>
/// The stored revision a <see cref="Ticket"/> instance was read from: the API etag it had then and the store's own
/// version of the document (Cosmos DB's <c>_etag</c>). The store fills it in; the model only carries it.
/// </summary>
internal sealed record StoredRevision(string TenantId, string TicketId, string ApiEtag, string StoreEtag);
