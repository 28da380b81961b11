using System.Text.Json;

namespace TicketingFunctions.Tickets;

/// <summary>
/// The stored revision a <see cref="Ticket"/> instance was read from: the API etag it had then and the store's own
/// version of the document (Cosmos DB's <c>_etag</c>). The store fills it in; the model only carries it.
/// </summary>
internal sealed record StoredRevision(string TenantId, string TicketId, string ApiEtag, string StoreEtag)
{
    /// <summary>The document as read, for what a store keeps in it beside the ticket (Cosmos DB: the event state).</summary>
    public JsonElement? Document { get; init; }

    /// <summary>The store's own member to write with the next revision, as JSON (Cosmos DB: <c>events</c>); null for a new ticket's.</summary>
    public JsonElement? EventsMember { get; init; }
}
