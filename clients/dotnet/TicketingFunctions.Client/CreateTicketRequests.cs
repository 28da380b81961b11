using TicketingFunctions.Client.Models;

namespace TicketingFunctions.Client;

/// <summary>
/// Create bodies that the API accepts. The contract requires all five top-level keys, <c>ticketRelation</c> too
/// (<c>null</c> when there is none), but a Kiota model writes no property whose value is null, so a plain
/// <see cref="CreateTicketRequest"/> without a relation is answered 400 keyed <c>ticketRelation</c>.
/// </summary>
public static class CreateTicketRequests
{
    /// <param name="offerId">The catalog offer's id (<c>offers[].id</c>).</param>
    /// <param name="fields">Field UUID (the ticket type's <c>fields[].id</c>) → value.</param>
    /// <param name="relation">A related ticket; when null, <c>"ticketRelation": null</c> is sent.</param>
    public static CreateTicketRequest Create(string offerId, string summary, IEnumerable<KeyValuePair<string, object>> fields,
        string source = "api", CreateTicketRequest_ticketRelation? relation = null)
    {
        var body = new TicketBody { OfferId = offerId };
        foreach (var (fieldId, value) in fields) body.AdditionalData[fieldId] = value;
        var request = new CreateTicketRequest { Source = source, Summary = summary, TicketBody = body, Attachments = new(), TicketRelation = relation };
        // Written as JSON null by Kiota's serializer, unlike a null property, which it leaves out.
        if (relation is null) request.AdditionalData["ticketRelation"] = null!;
        return request;
    }
}
