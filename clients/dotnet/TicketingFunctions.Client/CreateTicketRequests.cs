using Microsoft.Kiota.Abstractions.Serialization;
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
        string source = "api", TicketRelationRequest? relation = null)
    {
        var body = new TicketBody { OfferId = offerId };
        foreach (var (fieldId, value) in fields) body.AdditionalData[fieldId] = value;
        var request = new CreateTicketRequest { Source = source, Summary = summary, TicketBody = body, Attachments = new(), TicketRelation = relation };
        // Written as JSON null by Kiota's serializer, unlike a null property, which it leaves out.
        if (relation is null) request.AdditionalData["ticketRelation"] = null!;
        return request;
    }

    /// <summary>Links an upload (<c>AttachmentResponse.Id</c>) to the ticket this body creates.</summary>
    /// <param name="description">Shown with the attachment; at most 1000 characters.</param>
    public static CreateTicketRequest LinkAttachment(this CreateTicketRequest request, Guid uploadId, string? description = null)
    {
        // The attachments map is open-ended (keyed by upload id), so Kiota keeps it as AdditionalData; an untyped
        // object is what its JSON writer writes as a nested object.
        var value = new Dictionary<string, UntypedNode>();
        if (description is not null) value["description"] = new UntypedString(description);
        request.Attachments ??= new();
        request.Attachments.AdditionalData[uploadId.ToString()] = new UntypedObject(value);
        return request;
    }
}
