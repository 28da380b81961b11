using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Api;
using TicketingFunctions.Attachments;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
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
    IOptions<CommentOptions> options,
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
        var linked = await TicketLinks.ResolveAttachmentsAsync(attachments, caller, null,
            [.. draft.AttachmentIds.Select(id => new AttachmentLinkRequest(id, Remove: false, DescriptionSent: false, null))], now, errors, toLink, cancellationToken);
        if (linked is null) return ApiError.Invalid(errors);

        // "@username" of a known agent (the catalog's agents) joins toWatchers; other names stay plain text.
        var mentioned = CommentMentions.Find(draft.Body).Select(checkedCaller.Catalog.FindAgent).OfType<TenantAgent>().ToList();
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
            TicketVersion = ticket.Version,
            Attachments = [.. linked.Select(a => a.Value!.DeepClone())],
            Mentions = [.. mentioned.Select(a => a.Username)],
        };
        var addresses = mentioned.Select(a => a.Email).ToList();
        // Linked to the ticket before the comment names them: a failure below leaves them linked to it, never lost.
        if (!await TicketLinks.LinkAttachmentsAsync(attachments, ticket.TenantId, ticket.Id, toLink, errors, cancellationToken)) return ApiError.Invalid(errors);
        await comments.AddCommentAsync(ticket, comment, stored => TicketConversation.AfterComment(stored, comment, addresses), cancellationToken);
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
            after = CommentPosition.Parse(cursors.Unprotect(listing, page.After));
            if (after is null)
                return ApiError.Invalid(new Dictionary<string, List<string>>
                {
                    [CommentPageRequest.AfterParameter] = ["Query parameter after must be the nextAfter of a previous page of this ticket's comments"],
                });
        }
        // The ticket's own comments and those of the tickets it was moved from: one query, nothing rewritten by a move.
        var result = await comments.ListCommentsAsync(ticket.TenantId, [ticket.Id, .. ticket.MovedFrom], publicOnly, after, page.Limit, cancellationToken);
        var next = result.Next is { } position ? cursors.Protect(listing, position.Text) : null;
        return new CommentPageResult(ticket.ObjectId, result.Comments, next);
    }

    /// <summary>The text a redacted comment shows instead of its own.</summary>
    public const string RedactedBody = "<p>[redacted]</p>";

    /// <summary>
    /// Its author corrects a comment: within the edit window (<see cref="CommentOptions.EditWindow"/>, from its creation,
    /// by the injected clock), with If-Match on the comment's etag; the earlier text is kept as a revision. Order: ticket
    /// 404 → team/type 403 → body 415/413/408/400 → comment 404 → not the author, too late, or redacted 403 → If-Match 428/412.
    /// </summary>
    public async Task<Outcome<CommentResult>> EditAsync(CheckedCaller checkedCaller, string objectId, string commentId, IfMatch ifMatch, Stream body,
        long? contentLength, string? contentType, CancellationToken cancellationToken)
    {
        // The ticket first (as read and update open it), then the body, then the comment and who may correct it.
        var access = await tickets.OpenAsync(checkedCaller, objectId, cancellationToken);
        if (access.Error is not null) return access.Error;
        var errors = new ValidationErrors();
        var expected = ifMatch.CheckInto(errors);
        var read = await bodies.ReadAsync(body, contentLength, contentType, cancellationToken);
        if (read.Error is { Kind: ApiErrorKind.InvalidInput } unreadable)
        {
            foreach (var (key, messages) in unreadable.Reasons ?? new Dictionary<string, List<string>>()) errors.AddAll(key, messages);
            return ApiError.Invalid(errors);
        }
        if (read.Error is not null) return read.Error;
        string? text;
        using (var document = read.Value!) text = CommentRules.ValidateEdit(document.RootElement, errors);
        if (text is null || errors.Count > 0) return ApiError.Invalid(errors);

        var found = await FindAsync(checkedCaller, access.Value!.Ticket, commentId, cancellationToken);
        if (found.Error is not null) return found.Error;
        var (ticket, comment) = found.Value!;
        var now = time.GetUtcNow();
        var window = options.Value.EditWindow;
        if (!checkedCaller.Caller.Identity.Owns(comment.Author.IdentityKey))
            return ApiError.CommentNotEditable("Only its author may correct a comment");
        if (comment.Redacted is not null) return ApiError.CommentNotEditable("A redacted comment can't be corrected");
        if (!CommentRules.IsWithinEditWindow(comment.CreatedAt, now, window))
            return ApiError.CommentNotEditable($"A comment can be corrected only within {window.TotalMinutes:0} minutes of writing it");
        if (expected is null) return ApiError.CommentEtagRequired;
        if (!string.Equals(expected, comment.Etag, StringComparison.Ordinal)) return ApiError.CommentEtagMismatch;

        var stamp = TicketFactory.Timestamp(now);
        var edited = comment with
        {
            Body = text,
            Etag = Guid.NewGuid().ToString(),
            EditedAt = stamp,
            Revisions = [.. comment.Revisions, new CommentRevision(comment.Body, stamp)],
        };
        try
        {
            await comments.ReplaceCommentAsync(edited, comment.Etag, cancellationToken);
        }
        catch (EtagMismatchException)
        {
            return ApiError.CommentEtagMismatch;
        }
        return new CommentResult(ticket.ObjectId, edited);
    }

    /// <summary>
    /// A tenant admin redacts a comment: its text (and every earlier revision's) is replaced, who redacted it and when
    /// are kept. Needs no etag: the redaction wins over any edit (a lost race is tried again on the newer comment).
    /// </summary>
    public async Task<Outcome<CommentResult>> RedactAsync(CheckedCaller checkedCaller, string objectId, string commentId, CancellationToken cancellationToken)
    {
        var caller = checkedCaller.Caller;
        // The pipeline checked Permission.Redact; checked again here so that no other entry point skips it.
        if (!Permissions.CanRedactComment(caller)) return ApiError.PermissionDenied("redact a comment");
        for (var attempt = 1; ; attempt++)
        {
            var access = await tickets.OpenAsync(checkedCaller, objectId, cancellationToken);
            if (access.Error is not null) return access.Error;
            var found = await FindAsync(checkedCaller, access.Value!.Ticket, commentId, cancellationToken);
            if (found.Error is not null) return found.Error;
            var (ticket, comment) = found.Value!;
            var redacted = comment with
            {
                Body = RedactedBody,
                Etag = Guid.NewGuid().ToString(),
                Revisions = [],
                Redacted = new CommentRedaction(caller.Username ?? caller.SubmittedBy, TicketFactory.Timestamp(time.GetUtcNow())),
            };
            try
            {
                await comments.ReplaceCommentAsync(redacted, comment.Etag, cancellationToken);
                LogRedacted(logger, ticket.ObjectId);
                return new CommentResult(ticket.ObjectId, redacted);
            }
            catch (EtagMismatchException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>The ticket (as read and update open it) and its comment the caller may see; 404 COMMENT_NOT_FOUND otherwise.</summary>
    private async Task<Outcome<(Ticket Ticket, TicketComment Comment)>> FindAsync(CheckedCaller checkedCaller, Ticket ticket, string commentId,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(commentId, "D", out var parsed)) return ApiError.CommentNotFound;
        var comment = await comments.GetCommentAsync(ticket.TenantId, parsed.ToString("D"), cancellationToken);
        if (comment is null || (comment.TicketId != ticket.Id && !ticket.MovedFrom.Contains(comment.TicketId))) return ApiError.CommentNotFound;
        // An internal note doesn't exist for a requester.
        if (!comment.IsPublic && !Permissions.CanReadInternal(checkedCaller.Caller)) return ApiError.CommentNotFound;
        return (ticket, comment);
    }

    /// <summary>What a cursor is bound to: this tenant's ticket, read with this visibility.</summary>
    private static byte[] Listing(Ticket ticket, bool publicOnly) =>
        Encoding.UTF8.GetBytes($"comments\n{ticket.TenantId}\n{ticket.Id}\n{(publicOnly ? "public" : "all")}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Redacted a comment of ticket {ObjectId}")]
    private static partial void LogRedacted(ILogger logger, string objectId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Added a {Visibility} comment to ticket {ObjectId}")]
    private static partial void LogAdded(ILogger logger, string visibility, string objectId);
}
