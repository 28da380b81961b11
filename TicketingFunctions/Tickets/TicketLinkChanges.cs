using System.Text.Json.Nodes;

namespace TicketingFunctions.Tickets;

/// <summary>The history changes of an update's attachments (<c>attachments.&lt;id&gt;</c>) and relation (<c>ticketRelation</c>).</summary>
public static class TicketLinkChanges
{
    public static void Add(Ticket current, ResolvedLinks links, IDictionary<string, ValueChange> changes)
    {
        AttachmentLinks.AddChanges(current.Attachments, links.Attachments, changes);
        if (!JsonNode.DeepEquals(current.TicketRelation, links.Relation))
            changes[TicketRelations.Key] = new(TicketHistory.Element(current.TicketRelation), TicketHistory.Element(links.Relation));
    }
}
