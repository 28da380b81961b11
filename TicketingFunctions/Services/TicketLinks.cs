using System.Text.Json.Nodes;
using TicketingFunctions.Attachments;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Services;

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
            : await ResolveRelationAsync(tickets, caller, catalog, validated.Relation, self: null, errors, cancellationToken);
        var linked = await ResolveAttachmentsAsync(attachments, caller, current: null, validated.AttachmentLinks, now, errors, toLink, cancellationToken);
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
                : await ResolveRelationAsync(tickets, caller, catalog, update.Relation, current, errors, cancellationToken);
        var linked = update.AttachmentLinks.Count == 0 ? current.Attachments
            : await ResolveAttachmentsAsync(attachments, caller, current, update.AttachmentLinks, now, errors, toLink, cancellationToken);
        return errors.Count > 0 ? null : new ResolvedLinks(linked!, relation);
    }

    /// <summary>The relation to store, or null with the reason in <paramref name="errors"/>. <paramref name="self"/> is the ticket being updated.</summary>
    private static async Task<JsonObject?> ResolveRelationAsync(ITicketStore store, Caller caller, CatalogIndex catalog, RelationRequest relation, Ticket? self,
        ValidationErrors errors, CancellationToken cancellationToken)
    {
        if (self is not null && string.Equals(relation.ObjectId, self.ObjectId, StringComparison.Ordinal))
        {
            errors.Add(TicketRelations.Key, "A ticket can't relate to itself");
            return null;
        }
        var target = await store.GetTicketAsync(caller.TenantId!, relation.ObjectId, cancellationToken);
        if (target is null || !string.Equals(target.TenantId, caller.TenantId, StringComparison.Ordinal) || !TicketAccessor.CanRead(caller, catalog, target))
        {
            errors.Add(TicketRelations.Key, TicketRelations.Unavailable(relation.ObjectId));
            return null;
        }
        if (target.MovedTo is not null)
        {
            // A new relation names the live ticket; one held from before the move keeps the old id and follows its 308.
            errors.Add(TicketRelations.Key, $"Ticket {relation.ObjectId} was moved; relate to its successor {target.MovedTo}");
            return null;
        }
        if (self is not null && relation.Type == TicketRelations.Parent && await ParentCycleProblemAsync(store, caller.TenantId!, target, self, cancellationToken) is { } problem)
        {
            errors.Add(TicketRelations.Key, problem);
            return null;
        }
        return new JsonObject { [TicketRelations.ObjectIdKey] = target.ObjectId, [TicketRelations.TypeKey] = relation.Type, [TicketRelations.IdKey] = target.Id };
    }

    /// <summary>
    /// Null when making <paramref name="parent"/> the parent of <paramref name="self"/> closes no cycle: the parent
    /// links above <paramref name="parent"/> are followed (by record id, which never changes) and must not reach
    /// <paramref name="self"/> within <see cref="TicketRelations.MaxParentDepth"/> tickets. A new ticket has no children, so only an
    /// update can close a cycle.
    /// </summary>
    private static async Task<string?> ParentCycleProblemAsync(ITicketStore store, string tenantId, Ticket parent, Ticket self, CancellationToken cancellationToken)
    {
        var current = parent;
        for (var depth = 0; depth < TicketRelations.MaxParentDepth; depth++)
        {
            if (current.TicketRelation is not { } link || link[TicketRelations.TypeKey]?.GetValue<string>() != TicketRelations.Parent) return null;
            if (link[TicketRelations.IdKey]?.GetValue<string>() == self.Id || link[TicketRelations.ObjectIdKey]?.GetValue<string>() == self.ObjectId)
                return $"Ticket {parent.ObjectId} is below {self.ObjectId} in its parent chain: this parent link would close a cycle";
            if (link[TicketRelations.ObjectIdKey]?.GetValue<string>() is not { } above || await store.GetTicketAsync(tenantId, above, cancellationToken) is not { } next) return null;
            current = next;
        }
        return $"Ticket {parent.ObjectId} has more than {TicketRelations.MaxParentDepth} parents above it; a parent chain is at most {TicketRelations.MaxParentDepth} tickets deep";
    }

    /// <summary>
    /// The ticket's attachments after <paramref name="requests"/>: new ids are read from the store and must be linkable by
    /// the caller; kept ones keep their metadata (a sent description replaces theirs); removed ones go. Null, with the
    /// reasons in <paramref name="errors"/>, when an id is refused. <paramref name="toLink"/> receives the new ids.
    /// </summary>
    public static async Task<JsonObject?> ResolveAttachmentsAsync(IAttachmentStore store, Caller caller, Ticket? current, IReadOnlyList<AttachmentLinkRequest> requests,
        DateTimeOffset now, ValidationErrors errors, List<string> toLink, CancellationToken cancellationToken)
    {
        var result = current is null ? new JsonObject() : (JsonObject)current.Attachments.DeepClone();
        var refused = false;
        foreach (var request in requests)
        {
            if (request.Remove)
            {
                result.Remove(request.Id);   // absent and removed are the same: nothing to refuse
                continue;
            }
            if (result[request.Id] is JsonObject kept)
            {
                if (request.DescriptionSent) kept[AttachmentLinks.DescriptionKey] = request.Description;
                continue;
            }
            var record = await store.GetAsync(caller.TenantId!, request.Id, cancellationToken);
            var linkable = record is not null && string.Equals(record.TenantId, caller.TenantId, StringComparison.Ordinal)
                && (record.TicketId is null
                    ? caller.Identity.Owns(record.Owner) && !HasExpired(record, now)
                    : record.TicketId == current?.Id);
            if (!linkable)
            {
                errors.Add(AttachmentLinks.Key, AttachmentLinks.NotLinkable(request.Id));
                refused = true;
                continue;
            }
            result[request.Id] = Metadata(record!, request.Description);
            toLink.Add(request.Id);
        }
        return refused ? null : result;
    }

    /// <summary>
    /// A pending upload can be linked for <see cref="AttachmentOptions.PendingLifetime"/>: exactly that, whenever the store's
    /// own clean-up (Azure's lifecycle rule runs about once a day) gets to deleting it.
    /// </summary>
    private static bool HasExpired(AttachmentRecord record, DateTimeOffset now) =>
        !DateTimeOffset.TryParse(record.UploadedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var uploadedAt)
        || uploadedAt + AttachmentOptions.PendingLifetime <= now;

    /// <summary>Links the new ids to the ticket before the ticket is written; false (with the reason) when one was taken meanwhile.</summary>
    public static async Task<bool> LinkAttachmentsAsync(IAttachmentStore store, string tenantId, string ticketId, IReadOnlyList<string> ids, ValidationErrors errors,
        CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            if (await store.LinkAsync(tenantId, id, ticketId, cancellationToken)) continue;
            errors.Add(AttachmentLinks.Key, AttachmentLinks.NotLinkable(id));
            return false;
        }
        return true;
    }

    /// <summary>What a ticket stores and answers for one attachment.</summary>
    private static JsonObject Metadata(AttachmentRecord record, string? description) => new()
    {
        ["id"] = record.Id,
        ["filename"] = record.Filename,
        ["contentType"] = record.ContentType,
        ["size"] = record.Size,
        ["sha256"] = record.Sha256,
        ["uploadedBy"] = record.UploadedBy,
        ["uploadedAt"] = record.UploadedAt,
        [AttachmentLinks.DescriptionKey] = description,
    };
}
