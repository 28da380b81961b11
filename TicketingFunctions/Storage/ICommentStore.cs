using TicketingFunctions.Tickets;

namespace TicketingFunctions.Storage;

/// <summary>
/// Comments, each its own document in its tenant's partition, keyed to its ticket's UUID. A comment may change a few
/// plain values of its ticket (<see cref="TicketConversation"/>: the count, the last comment's time, a first-reply
/// clock), never the ticket's etag, version or anything an update writes; and a ticket update keeps the values the
/// comments wrote meanwhile (<see cref="ITicketStore.ReplaceTicketAsync"/> carries them over), so neither write fails
/// or undoes the other.
/// </summary>
public interface ICommentStore
{
    /// <summary>
    /// Stores <paramref name="comment"/> and applies <paramref name="changeTicket"/> to the stored ticket it belongs to
    /// (<paramref name="ticket"/>, as read), as of the moment of the write: concurrent comments each apply to the
    /// result of the others. <paramref name="changeTicket"/> returns null when the ticket keeps its values. Answers the
    /// ticket as stored afterwards. The embedded store writes both in one commit; Cosmos DB writes the comment, then
    /// the ticket (conditional on its <c>_etag</c>, retried on a race).
    /// </summary>
    Task<Ticket> AddCommentAsync(Ticket ticket, TicketComment comment, Func<Ticket, Ticket?> changeTicket, CancellationToken cancellationToken);

    /// <summary>The comment with this id in this tenant, or null.</summary>
    Task<TicketComment?> GetCommentAsync(string tenantId, string commentId, CancellationToken cancellationToken);

    /// <summary>
    /// The comment of one of the tickets <paramref name="ticketIds"/> that links the upload <paramref name="attachmentId"/>,
    /// or null: one indexed single-partition lookup.
    /// </summary>
    Task<TicketComment?> FindCommentLinkingAsync(string tenantId, IReadOnlyList<string> ticketIds, string attachmentId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the comment only if its stored etag still equals <paramref name="expectedEtag"/>; otherwise throws
    /// <see cref="EtagMismatchException"/> and changes nothing.
    /// </summary>
    Task ReplaceCommentAsync(TicketComment comment, string expectedEtag, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the comments of the tickets <paramref name="ticketIds"/> (a ticket and those it was moved from), in
    /// the order created_at, then id, starting after <paramref name="after"/>, public ones only when
    /// <paramref name="publicOnly"/>. One single-partition query whose cost does not grow with the page's position.
    /// </summary>
    Task<CommentPage> ListCommentsAsync(string tenantId, IReadOnlyList<string> ticketIds, bool publicOnly, CommentPosition? after, int pageSize,
        CancellationToken cancellationToken);
}
