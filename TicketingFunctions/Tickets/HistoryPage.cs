using System.Globalization;

namespace TicketingFunctions.Tickets;

/// <summary>
/// Which page of a ticket's history a request asks for: the writes' entries with a version greater than
/// <see cref="After"/> and the comments' entries after <see cref="CommentsAfter"/> (a signed comment position), merged
/// by time, oldest first, at most <see cref="Limit"/> of them. Versions are consecutive (one entry per write), so the
/// writes of a page are a range of versions, and its comments one keyset page: it costs the same wherever it starts.
/// </summary>
public readonly record struct HistoryPage(int After, int Limit, string? CommentsAfter = null)
{
    public const string LimitParameter = "limit";
    public const string AfterParameter = "after";
    /// <summary>The previous page's <c>nextCommentsAfter</c>: where the comments' entries go on (opaque).</summary>
    public const string CommentsAfterParameter = "commentsAfter";
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The page the query names, or errors keyed by the parameter (<c>limit</c>, <c>after</c>).</summary>
    public static HistoryPage Parse(string? limit, string? after, string? commentsAfter, ValidationErrors errors)
    {
        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
            errors.Add(LimitParameter, $"Query parameter limit must be a whole number from 1 to {MaxLimit}");
        var start = 0;
        if (after is not null && !int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out start))
            errors.Add(AfterParameter, "Query parameter after must be a version number (0 or more)");
        if (commentsAfter is not null && (commentsAfter.Length is 0 or > Listing.ContinuationTokens.MaxTokenLength))
            errors.Add(CommentsAfterParameter, "Query parameter commentsAfter must be the nextCommentsAfter of a previous page of this ticket's history");
        return new HistoryPage(start, size, commentsAfter);
    }

    /// <summary>The last version this page can hold.</summary>
    public int Through => (int)Math.Min(int.MaxValue, (long)After + Limit);

    /// <summary>
    /// This page of the history: the ticket's writes after <see cref="After"/> (<paramref name="writes"/>: every entry
    /// in (After, Through], ascending) merged by time with the entries of <paramref name="comments"/> (the next ones
    /// after the page's comment position, in their order; <paramref name="moreComments"/> when others follow them), a
    /// write before a comment of the same instant. At most <see cref="Limit"/> entries and about
    /// <paramref name="maxBytes"/> of them, but always the first one, however large. A merge of two ordered streams
    /// resumes exactly from its two positions: the last version returned and the last comment returned (or the
    /// position the page started from), both null when nothing follows.
    /// </summary>
    public (IReadOnlyList<TicketHistoryEntry> Entries, int? NextAfter, CommentPosition? NextComment) Take(IReadOnlyList<TicketHistoryEntry> writes,
        IReadOnlyList<TicketComment> comments, bool moreComments, CommentPosition? commentsAfter, int maxBytes, int currentVersion)
    {
        var after = After;
        var pending = writes.Where(e => e.Version > after).ToList();
        var page = new List<TicketHistoryEntry>(Math.Min(pending.Count + comments.Count, Limit));
        long bytes = 0;
        int w = 0, c = 0;
        var (last, position) = (After, commentsAfter);
        while (page.Count < Limit)
        {
            var isWrite = w < pending.Count && (c >= comments.Count || string.CompareOrdinal(pending[w].Timestamp, comments[c].CreatedAt) <= 0);
            if (!isWrite && c >= comments.Count) break;
            var entry = isWrite ? pending[w] : HistoryComment.EntryOf(comments[c]);
            var size = HistoryCompaction.EstimateSize(entry);
            if (page.Count > 0 && bytes + size > maxBytes) break;
            bytes += size;
            page.Add(entry);
            if (isWrite) last = pending[w++].Version;
            else
            {
                position = new CommentPosition(comments[c].CreatedAt, comments[c].Id);
                c++;
            }
        }
        var more = last < currentVersion || c < comments.Count || moreComments;
        return (page, more ? last : null, more ? position : null);
    }
}
