namespace TicketingFunctions.Tickets;

/// <summary>
/// The values of a ticket that its comments write: <see cref="Ticket.CommentCount"/> and <see cref="Ticket.LastCommentAt"/>
/// (public comments only). A comment writes them without changing the ticket's etag, version or <c>updated_at</c>, so an
/// agent's pending update never fails because someone commented; and an update carries over the values that comments
/// wrote after it read the ticket (<see cref="CarryOver"/>), so it never undoes them.
/// </summary>
public static class TicketConversation
{
    /// <summary>The ticket after <paramref name="comment"/> was added, or null when it keeps its values (an internal note).</summary>
    public static Ticket? AfterComment(Ticket ticket, TicketComment comment)
    {
        if (!comment.IsPublic) return null;
        var last = ticket.LastCommentAt is { } previous && string.CompareOrdinal(previous, comment.CreatedAt) > 0 ? previous : comment.CreatedAt;
        return ticket with { CommentCount = ticket.CommentCount + 1, LastCommentAt = last };
    }

    /// <summary>The comment-written values of a ticket as one string: equal strings, nothing to carry over.</summary>
    public static string Key(Ticket ticket) => $"{ticket.CommentCount}|{ticket.LastCommentAt}";

    /// <summary><paramref name="revision"/> with the comment-written values of <paramref name="stored"/>, the ticket as it is stored now.</summary>
    public static Ticket CarryOver(Ticket stored, Ticket revision) =>
        revision with { CommentCount = stored.CommentCount, LastCommentAt = stored.LastCommentAt };
}
