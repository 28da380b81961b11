using System.Text.Json.Nodes;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tickets;

/// <summary>
/// The values of a ticket that its comments write: <see cref="Ticket.CommentCount"/> and <see cref="Ticket.LastCommentAt"/>
/// (public comments only), and, at an agent's first public comment, the clocks that stop there
/// (<see cref="SlaPolicy.FirstPublicReply"/>) and <c>time_to_first_response_seconds</c> when the ticket measures it so.
/// A comment writes them without changing the ticket's etag, version or <c>updated_at</c>, so an agent's pending update
/// never fails because someone commented; and an update carries over the values that comments wrote after it read the
/// ticket (<see cref="CarryOver"/>), so it never undoes them. An update never writes them itself.
/// </summary>
public static class TicketConversation
{
    /// <summary>
    /// The ticket after <paramref name="comment"/> was added, or null when it keeps its values (an internal note that
    /// mentions nobody new). <paramref name="mentionedAddresses"/>, the known agents the comment mentioned, join
    /// <c>toWatchers</c> (up to its limit), public comment or internal note alike.
    /// </summary>
    public static Ticket? AfterComment(Ticket ticket, TicketComment comment, IReadOnlyList<string>? mentionedAddresses = null)
    {
        var watched = AddWatchers(ticket, mentionedAddresses ?? []);
        if (!comment.IsPublic) return watched;
        var result = watched ?? ticket;
        var last = result.LastCommentAt is { } previous && string.CompareOrdinal(previous, comment.CreatedAt) > 0 ? previous : comment.CreatedAt;
        result = result with { CommentCount = result.CommentCount + 1, LastCommentAt = last };
        return comment.Author.IsAgent ? FirstReply(result, comment.CreatedAt) : result;
    }

    /// <summary>The ticket with the addresses added to <c>toWatchers</c> (each once, ignoring case), or null when none is new.</summary>
    private static Ticket? AddWatchers(Ticket ticket, IReadOnlyList<string> addresses)
    {
        if (addresses.Count == 0) return null;
        var current = ticket.Data[WatcherList.To] as JsonArray;
        var list = current?.Select(n => n?.GetValue<string>()).OfType<string>().ToList() ?? [];
        var added = false;
        foreach (var address in addresses)
        {
            if (list.Count >= WatcherList.MaxAddresses) break;
            if (list.Contains(address, StringComparer.OrdinalIgnoreCase)) continue;
            list.Add(address);
            added = true;
        }
        if (!added) return null;
        var data = (JsonObject)ticket.Data.DeepClone();
        data[WatcherList.To] = new JsonArray([.. list.Select(a => (JsonNode?)JsonValue.Create(a))]);
        return ticket with { Data = data };
    }

    /// <summary>
    /// Stops the running first-reply clocks at <paramref name="timestamp"/> and measures the first response, once. Also
    /// for a move's successor whose new clocks restart: a reply that already happened stops them where it happened.
    /// </summary>
    public static Ticket FirstReply(Ticket ticket, string timestamp)
    {
        if (!SlaClocks.StopsOnFirstReply(ticket)) return ticket;
        var clocks = ticket.Slas.Select(c => c.StopsOn == SlaPolicy.FirstPublicReply && c.StoppedAt is null ? c with { StoppedAt = timestamp } : c).ToList();
        var metrics = ticket.Metrics.ToList();
        if (!metrics.Any(m => m.Name == TicketMetric.TimeToFirstResponse))
            metrics.Add(new TicketMetric(TicketMetric.TimeToFirstResponse,
                (long)Math.Floor((TicketSla.Parse(timestamp) - TicketSla.Parse(ticket.CreatedAt)).TotalSeconds)));
        return ticket with { Slas = clocks, Metrics = metrics };
    }

    /// <summary>The ticket's last activity: its last write or its last public comment, whichever is later.</summary>
    public static string LastActivityAt(Ticket ticket) =>
        ticket.LastCommentAt is { } commented && string.CompareOrdinal(commented, ticket.UpdatedAt) > 0 ? commented : ticket.UpdatedAt;

    /// <summary>The comment-written values of a ticket as one string: equal strings, nothing to carry over.</summary>
    public static string Key(Ticket ticket)
    {
        var key = $"{ticket.CommentCount}|{ticket.LastCommentAt}";
        foreach (var clock in ticket.Slas)
            if (clock.StopsOn == SlaPolicy.FirstPublicReply) key += $"|{clock.Name}={clock.StoppedAt}";
        return key + "|" + ticket.Metrics.FirstOrDefault(m => m.Name == TicketMetric.TimeToFirstResponse)?.Value
               + "|" + ticket.Data[WatcherList.To]?.ToJsonString();
    }

    /// <summary><paramref name="revision"/> with the comment-written values of <paramref name="stored"/>, the ticket as it is stored now.</summary>
    public static Ticket CarryOver(Ticket stored, Ticket revision)
    {
        var clocks = revision.Slas.Select(c => c.StopsOn == SlaPolicy.FirstPublicReply
            ? c with { StoppedAt = stored.Slas.FirstOrDefault(s => s.Name == c.Name)?.StoppedAt ?? c.StoppedAt }
            : c).ToList();
        var metrics = revision.Metrics.ToList();
        if (SlaClocks.StopsOnFirstReply(revision) && !metrics.Any(m => m.Name == TicketMetric.TimeToFirstResponse)
            && stored.Metrics.FirstOrDefault(m => m.Name == TicketMetric.TimeToFirstResponse) is { } measured)
            metrics.Add(measured);
        // toWatchers: a mention adds to the stored list; the update keeps that list unless it set the list itself (its
        // own history entry names the key), and then the list it sent wins, as a replacement of the list always does.
        var data = revision.Data;
        var newest = revision.History.Count > 0 ? revision.History[^1] : null;
        var setByUpdate = newest is not null && newest.Version == revision.Version && newest.Changes.ContainsKey(WatcherList.To);
        if (!setByUpdate && !JsonNode.DeepEquals(stored.Data[WatcherList.To], revision.Data[WatcherList.To]))
        {
            data = (JsonObject)revision.Data.DeepClone();
            data[WatcherList.To] = stored.Data[WatcherList.To]?.DeepClone();
        }
        return revision with { CommentCount = stored.CommentCount, LastCommentAt = stored.LastCommentAt, Slas = clocks, Metrics = metrics, Data = data };
    }
}
