using System.Text;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Api;
using TicketingFunctions.Attachments;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Services;

/// <summary>A comment as an operation answers it, with the display id of the ticket it was read through.</summary>
public sealed record CommentResult(string ObjectId, TicketComment Comment);

/// <summary>A page of a ticket's comments and the cursor of the next (null: none follow).</summary>
public sealed record CommentPageResult(string ObjectId, IReadOnlyList<TicketComment> Comments, string? NextAfter);

/// <summary>
/// Comments on a ticket. Every operation opens the ticket through <see cref="TicketAccessor"/>, as read and update do,
/// so the same refusals apply in the same order (404 for a missing, deleted or other tenant's ticket, then team and
/// type 403); then the body (400), then the comment's own rules. A requester (no agent role) sees and writes public
/// comments only; internal notes are for agents and tenant admins (<see cref="Permissions.CanWriteInternal"/>).
/// </summary>
public sealed partial class TicketCommentService(
    TicketAccessor tickets,
    JsonBodyReader bodies,
    ICommentStore comments,
    IAttachmentStore attachments,
    ContinuationTokens cursors,
    TimeProvider time,
    ILogger<TicketCommentService> logger)
{
    public async Task<Outcome<CommentResult>> AddAsync(CheckedCaller checkedCaller, string objectId, Stream body, long? contentLength, string? contentType,
        CancellationToken cancellationToken)
    {
        var caller = checkedCaller.Caller;
        var access = await tickets.OpenAsync(checkedCaller, objectId, cancellationToken);
        if (access.Error is not null) return access.Error;
        var ticket = access.Value!.Ticket;

        var read = await bodies.ReadAsync(body, contentLength, contentType, cancellationToken);
        if (read.Error is not null) return read.Error;
        var errors = new ValidationErrors();
        CommentDraft? draft;
        using (var document = read.Value!) draft = CommentRules.ValidateNew(document.RootElement, errors);
        if (draft is null) return ApiError.Invalid(errors);
        if (draft.Visibility == CommentVisibility.Internal && !Permissions.CanWriteInternal(caller)) return ApiError.PermissionDenied("write an internal comment");

        var now = time.GetUtcNow();
        var toLink = new List<string>();
        var linked = await AttachmentLinks.ResolveAsync(attachments, caller, null,
            [.. draft.AttachmentIds.Select(id => new AttachmentLinkRequest(id, Remove: false, DescriptionSent: false, null))], now, errors, toLink, cancellationToken);
        if (linked is null) return ApiError.Invalid(errors);

        var comment = new TicketComment
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = ticket.TenantId,
            TicketId = ticket.Id,
            Etag = Guid.NewGuid().ToString(),
            Body = draft.Body,
            Visibility = draft.Visibility,
            Author = new CommentAuthor(caller.Username ?? caller.SubmittedBy, caller.Identity.Key, Permissions.IsAgent(caller)),
            CreatedAt = TicketFactory.Timestamp(now),
            Attachments = [.. linked.Select(a => a.Value!.DeepClone())],
        };
        // Linked to the ticket before the comment names them: a failure below leaves them linked to it, never lost.
        if (!await AttachmentLinks.LinkAsync(attachments, ticket.TenantId, ticket.Id, toLink, errors, cancellationToken)) return ApiError.Invalid(errors);
        await comments.AddCommentAsync(ticket, comment, stored => TicketConversation.AfterComment(stored, comment), cancellationToken);
        LogAdded(logger, comment.Visibility, ticket.ObjectId);
        return new CommentResult(ticket.ObjectId, comment);
    }

    public async Task<Outcome<CommentPageResult>> ListAsync(CheckedCaller checkedCaller, string objectId, CommentPageRequest page, CancellationToken cancellationToken)
    {
        var access = await tickets.OpenAsync(checkedCaller, objectId, cancellationToken);
        if (access.Error is not null) return access.Error;
        var ticket = access.Value!.Ticket;
        var publicOnly = !Permissions.CanReadInternal(checkedCaller.Caller);
        var listing = Listing(ticket, publicOnly);

        CommentPosition? after = null;
        if (page.After is not null)
        {
            after = ParsePosition(cursors.Unprotect(listing, page.After));
            if (after is null)
                return ApiError.Invalid(new Dictionary<string, List<string>>
                {
                    [CommentPageRequest.AfterParameter] = ["Query parameter after must be the nextAfter of a previous page of this ticket's comments"],
                });
        }
        // The ticket's own comments and those of the tickets it was moved from: one query, nothing rewritten by a move.
        var result = await comments.ListCommentsAsync(ticket.TenantId, [ticket.Id, .. ticket.MovedFrom], publicOnly, after, page.Limit, cancellationToken);
        var next = result.Next is { } position ? cursors.Protect(listing, $"{position.CreatedAt}\n{position.Id}") : null;
        return new CommentPageResult(ticket.ObjectId, result.Comments, next);
    }

    /// <summary>What a cursor is bound to: this tenant's ticket, read with this visibility.</summary>
    private static byte[] Listing(Ticket ticket, bool publicOnly) =>
        Encoding.UTF8.GetBytes($"comments\n{ticket.TenantId}\n{ticket.Id}\n{(publicOnly ? "public" : "all")}");

    private static CommentPosition? ParsePosition(string? position)
    {
        var split = position?.IndexOf('\n') ?? -1;
        return split > 0 ? new CommentPosition(position![..split], position[(split + 1)..]) : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Added a {Visibility} comment to ticket {ObjectId}")]
    private static partial void LogAdded(ILogger logger, string visibility, string objectId);
}
