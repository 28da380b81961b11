using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Api;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Services;

/// <summary>
/// Reads, updates and lists the history of existing tickets. After the request pipeline's checks (token, headers and
/// query, tenant, permission), the first failure winning: ticket 404 → team and type 403 → body 400 → etag 428/412 →
/// the attachments and relation the body names 400 (checked against the stores last).
/// </summary>
public sealed class TicketLifecycleService(
    TicketAccessor tickets,
    JsonBodyReader bodies,
    ITicketStore store,
    ICommentStore comments,
    ContinuationTokens cursors,
    IAttachmentStore attachments,
    RevisionSaver revisions,
    TimeProvider time,
    IOptions<TicketHistoryOptions> historyOptions,
    ILogger<TicketLifecycleService> logger)
{
    public async Task<Outcome<Ticket>> ReadAsync(CheckedCaller caller, string objectId, bool includeDeleted, CancellationToken cancellationToken)
    {
        var access = await tickets.OpenAsync(caller, objectId, cancellationToken, includeDeleted);
        return access.Error is not null ? access.Error : SlaClocks.Observe(access.Value!.Ticket, time.GetUtcNow());
    }

    public async Task<Outcome<TicketHistoryView>> HistoryAsync(CheckedCaller caller, string objectId, HistoryPage page, CancellationToken cancellationToken)
    {
        var access = await tickets.OpenAsync(caller, objectId, cancellationToken);
        if (access.Error is not null) return access.Error;
        var ticket = access.Value!.Ticket;
        // A requester never learns that an internal note exists: its entries are left out of their history.
        var publicOnly = !Permissions.CanReadInternal(caller.Caller);
        var binding = System.Text.Encoding.UTF8.GetBytes($"history\n{ticket.TenantId}\n{ticket.Id}\n{(publicOnly ? "public" : "all")}");
        CommentPosition? commentsAfter = null;
        if (page.CommentsAfter is not null && (commentsAfter = CommentPosition.Parse(cursors.Unprotect(binding, page.CommentsAfter))) is null)
            return ApiError.Invalid(new Dictionary<string, List<string>>
            {
                [HistoryPage.CommentsAfterParameter] = ["Query parameter commentsAfter must be the nextCommentsAfter of a previous page of this ticket's history"],
            }, "The request headers or query parameters are invalid");

        // The ticket carries the newest entries; the archive is read only for the part of the page older than
        // those, and only that part of it (one range query, whatever the page's position). Without commentsAfter, the
        // comments go on from the time of the entry of version after (so that entry is read too).
        var anchored = page.After > 0 && page.CommentsAfter is null;
        var low = anchored ? page.After - 1 : page.After;
        var firstEmbedded = ticket.History.Count > 0 ? ticket.History.Min(e => e.Version) : int.MaxValue;
        var archived = low + 1 < firstEmbedded && TicketHistory.MayHaveArchive(ticket.History)
            ? await ArchivedAsync(ticket, low, Math.Min(page.Through, firstEmbedded - 1), cancellationToken)
            : [];
        var writes = TicketHistory.Merge(archived, ticket.History);
        if (anchored)
            commentsAfter = writes.FirstOrDefault(e => e.Version == page.After) is { } anchor ? new CommentPosition(anchor.Timestamp, "") : null;

        // The comments' entries: one page of the comment documents (one single-partition query from the position on),
        // none to read when the ticket has none the caller may see, or the page starts after the ticket's last version.
        CommentPage commented = new([], null);
        var pastTheEnd = anchored && commentsAfter is null;
        if (!pastTheEnd && (!publicOnly || ticket.CommentCount > 0))
            commented = await comments.ListCommentsAsync(ticket.TenantId, [ticket.Id, .. ticket.MovedFrom], publicOnly, commentsAfter, page.Limit, cancellationToken);

        var (entries, nextAfter, nextComment) = page.Take(writes, commented.Comments, commented.Next is not null, commentsAfter,
            historyOptions.Value.MaxPageBytes, ticket.Version);
        var nextCommentsAfter = nextComment is { } position ? cursors.Protect(binding, position.Text) : null;
        return new TicketHistoryView(ticket.ObjectId, entries, nextAfter, nextCommentsAfter);
    }


    /// <summary>
    /// The archived entries in the range. A ticket moved to another type continues its predecessors' versions, and
    /// their entries stay archived under their ids: each of <see cref="Ticket.MovedFrom"/> is read too (a move is rare,
    /// a chain short).
    /// </summary>
    private async Task<IReadOnlyList<TicketHistoryEntry>> ArchivedAsync(Ticket ticket, int after, int through, CancellationToken cancellationToken)
    {
        if (ticket.MovedFrom.Count == 0) return await store.GetHistoryArchiveAsync(ticket.TenantId, ticket.Id, after, through, cancellationToken);
        var byVersion = new SortedDictionary<int, TicketHistoryEntry>();
        foreach (var id in (IEnumerable<string>)[.. ticket.MovedFrom, ticket.Id])
            foreach (var entry in await store.GetHistoryArchiveAsync(ticket.TenantId, id, after, through, cancellationToken))
                byVersion[entry.Version] = entry;
        return [.. byVersion.Values];
    }

    public async Task<Outcome<Ticket>> UpdateAsync(CheckedCaller checkedCaller, UpdateTicketRequest request, CancellationToken cancellationToken)
    {
        var caller = checkedCaller.Caller;
        var access = await tickets.OpenAsync(checkedCaller, request.ObjectId, cancellationToken);
        if (access.Error is not null) return access.Error;
        var (catalog, current, type) = access.Value!;

        // The same limits as create: 413 over the size limit, 400 for bodies too deep, too long or not JSON.
        var errors = new ValidationErrors();
        var headerEtag = request.IfMatch.CheckInto(errors);
        var read = await bodies.ReadAsync(request.Body, request.ContentLength, request.ContentType, errors, cancellationToken);
        if (read.Error is not null) return read.Error;
        TicketUpdate? update;
        using (var body = read.Value!)
        {
            // Assigning is a permission of its own: refused before the body's details are looked at.
            if (WorkUpdateValidator.Assigns(body.RootElement) && !Permissions.CanAssign(caller)) return ApiError.PermissionDenied("assign ticket");
            update = TicketUpdateValidator.Validate(body.RootElement, headerEtag, current, catalog, type, errors, bodies.Limits.MaxTicketBodyKeys);
            var work = WorkUpdateValidator.Validate(body.RootElement, current, type, caller, errors, out var refused);
            if (refused is not null) return ApiError.ForbiddenTransition(refused);
            if (update is not null) update = update with { Work = work };
        }
        if (update is null || errors.Count > 0) return ApiError.Invalid(errors);

        if (update.Etag is null) return ApiError.EtagRequired;
        if (!string.Equals(update.Etag, current.Etag, StringComparison.Ordinal)) return ApiError.EtagMismatch;

        // Attachments and relation are checked against the stores only now, for a current etag.
        var now = time.GetUtcNow();
        ResolvedLinks? links = null;
        var toLink = new List<string>();
        if (update.AttachmentLinks.Count > 0 || update.RelationSent)
        {
            links = await TicketLinks.ResolveForUpdateAsync(store, attachments, caller, catalog, current, update, now, errors, toLink,
                cancellationToken);
            if (links is null) return ApiError.Invalid(errors);
        }

        var revision = TicketUpdater.Apply(current, update, caller, now, links);
        if (revision is null) return SlaClocks.Observe(current, now); // nothing changes: nothing is written, the etag stays valid
        // Linked to this ticket before it names them: a lost race below leaves them linked to it, which a retry accepts.
        if (!await TicketLinks.LinkAttachmentsAsync(attachments, current.TenantId, current.Id, toLink, errors, cancellationToken)) return ApiError.Invalid(errors);

        var saved = await revisions.SaveAsync(current, revision.Ticket, cancellationToken);
        if (saved.Error is not null) return saved.Error;
        logger.LogInformation("Updated ticket {ObjectId} to version {Version}", current.ObjectId, saved.Value!.Version);
        return SlaClocks.Observe(saved.Value, now);
    }
}
