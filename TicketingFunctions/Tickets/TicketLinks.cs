using TicketingFunctions.Attachments;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Tickets;

/// <summary>
/// What a body's <c>attachments</c> and <c>ticketRelation</c> name, checked against the stores: the one place create and
/// update resolve them (their shapes are checked with the rest of the body, by <see cref="AttachmentLinks.Parse"/> and
/// <see cref="TicketRelations.TryParse"/>).
/// </summary>
public static class TicketLinks
{
    /// <summary>The validated ticket with its resolved attachments and relation, or null with the reasons in <paramref name="errors"/>.</summary>
    public static async Task<ValidatedTicket?> ResolveForCreateAsync(ITicketStore tickets, IAttachmentStore attachments, Caller caller, CatalogIndex catalog,
        ValidatedTicket validated, DateTimeOffset now, ValidationErrors errors, List<string> toLink, CancellationToken cancellationToken)
    {
        var relation = validated.Relation is null ? null
            : await TicketRelations.ResolveAsync(tickets, caller, catalog, validated.Relation, self: null, errors, cancellationToken);
        var linked = await AttachmentLinks.ResolveAsync(attachments, caller, current: null, validated.AttachmentLinks, now, errors, toLink, cancellationToken);
        if (errors.Count > 0) return null;
        return validated with { Attachments = linked!, TicketRelation = relation };
    }

    /// <summary>
    /// The ticket's attachments and relation after an update, or null with the reasons in <paramref name="errors"/>.
    /// What the update doesn't mention stays as it is.
    /// </summary>
    public static async Task<ResolvedLinks?> ResolveForUpdateAsync(ITicketStore tickets, IAttachmentStore attachments, Caller caller, CatalogIndex catalog,
        Ticket current, TicketUpdate update, DateTimeOffset now, ValidationErrors errors, List<string> toLink, CancellationToken cancellationToken)
    {
        var relation = current.TicketRelation;
        if (update.RelationSent && !TicketRelations.SameAs(current.TicketRelation, update.Relation))
            relation = update.Relation is null ? null
                : await TicketRelations.ResolveAsync(tickets, caller, catalog, update.Relation, current, errors, cancellationToken);
        var linked = update.AttachmentLinks.Count == 0 ? current.Attachments
            : await AttachmentLinks.ResolveAsync(attachments, caller, current, update.AttachmentLinks, now, errors, toLink, cancellationToken);
        return errors.Count > 0 ? null : new ResolvedLinks(linked!, relation);
    }
}

/// <summary>A ticket's attachments and relation as they will be stored.</summary>
public sealed record ResolvedLinks(System.Text.Json.Nodes.JsonObject Attachments, System.Text.Json.Nodes.JsonObject? Relation);
