using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TicketingFunctions.Tickets.Events;

/// <summary>
/// The events of a ticket revision, derived from it alone: its history entry for its own version says what the write
/// did (the same changed keys, old → new). So a store that keeps the revision keeps its events, and deriving them again
/// (after a crash, by a catch-up) gives the same events with the same ids.
/// </summary>
public static class TicketEvents
{
    /// <summary>History keys of attachment links: <c>attachments.&lt;id&gt;</c> (AttachmentLinks.HistoryKey).</summary>
    private const string AttachmentKeyPrefix = "attachments.";

    /// <summary>
    /// The events of <paramref name="ticket"/>'s write, in this order: created, or deleted, or updated followed by
    /// status_changed, assigned, attachment_linked and relation_changed for the keys it changed. Each but created
    /// carries the write's changes. A revision without a history entry for its version (written by something other than the API's
    /// services) yields created for a create, else updated (or deleted) with no changes.
    /// </summary>
    public static IReadOnlyList<TicketEvent> Of(Ticket ticket, bool created)
    {
        TicketHistoryEntry? entry = null;
        for (var i = ticket.History.Count - 1; i >= 0; i--)
            if (ticket.History[i].Version == ticket.Version) { entry = ticket.History[i]; break; }
        var changes = entry?.Changes ?? new Dictionary<string, ValueChange>();
        // A create's entry names every value from null: the ticket itself says it all.
        if (created) return [Event(ticket, TicketEventTypes.Created, null)];
        if (entry?.Action == TicketHistory.Deleted || entry is null && ticket.DeletedSeq >= 0) return [Event(ticket, TicketEventTypes.Deleted, changes)];
        // A move is told once, by the ticket where it put the ticket: the same ticket for a move within the type, the
        // successor for a move to another type. The tombstone's revision tells nothing: it knows its successor's display
        // id only, and the successor's event names both tickets' ids.
        if (entry?.Action == TicketHistory.Moved)
            return ticket.MovedTo is not null ? [] : [Event(ticket, TicketEventTypes.Moved, changes) with { Move = MoveOf(ticket, changes) }];

        var events = new List<TicketEvent>(2) { Event(ticket, TicketEventTypes.Updated, changes) };
        if (changes.ContainsKey(WorkUpdateValidator.StatusTypeKey)) events.Add(Event(ticket, TicketEventTypes.StatusChanged, changes));
        if (changes.ContainsKey(WorkUpdateValidator.AssigneeKey)) events.Add(Event(ticket, TicketEventTypes.Assigned, changes));
        foreach (var (key, change) in changes)
            if (key.StartsWith(AttachmentKeyPrefix, StringComparison.Ordinal) && change.New is not null)
            {
                events.Add(Event(ticket, TicketEventTypes.AttachmentLinked, changes));
                break;
            }
        if (changes.ContainsKey(TicketRelations.Key)) events.Add(Event(ticket, TicketEventTypes.RelationChanged, changes));
        return events;
    }

    /// <summary>
    /// The event of a public comment on <paramref name="ticket"/> (as stored with the comment's values), or null for an
    /// internal note: nothing of an internal note is told, not even that one was written. Its id names the comment, not
    /// a version (a comment makes none), so deriving it again gives the same event; its sequence is the ticket's version.
    /// </summary>
    public static TicketEvent? Commented(Ticket ticket, TicketComment comment) => !comment.IsPublic ? null : Event(ticket, TicketEventTypes.CommentCreated, null) with
    {
        Id = CommentIdOf(ticket.Id, comment.Id),
        Time = comment.CreatedAt,
        Comment = new TicketEventComment(comment.Id, comment.Author.Username, comment.Author.IsAgent, comment.CreatedAt, comment.Body),
    };

    /// <summary>The id of a comment's event: the ticket's id and the comment's.</summary>
    public static string CommentIdOf(string ticketId, string commentId) => $"{ticketId}-comment-{commentId}";

    /// <summary>
    /// Where a move took <paramref name="ticket"/> from, by its entry's changes (the keys a move writes: the display id,
    /// the type and the team when they changed) and, after a move to another type, the predecessor it names last.
    /// </summary>
    private static TicketEventMove MoveOf(Ticket ticket, IReadOnlyDictionary<string, ValueChange> changes)
    {
        var to = new TicketPlace(ticket.Id, ticket.ObjectId, ticket.LookupProps.TeamId, ticket.LookupProps.ItemTypeId);
        var objectId = OldText(changes, MoveObjectIdKey);
        var from = new TicketPlace(
            objectId is not null && ticket.MovedFrom.Count > 0 ? ticket.MovedFrom[^1] : ticket.Id,
            objectId ?? ticket.ObjectId,
            OldText(changes, MoveTeamIdKey) ?? to.TeamId,
            OldText(changes, MoveItemTypeIdKey) ?? to.ItemTypeId);
        return new TicketEventMove(from, to);

        static string? OldText(IReadOnlyDictionary<string, ValueChange> changes, string key) =>
            changes.TryGetValue(key, out var change) && change.Old is { ValueKind: System.Text.Json.JsonValueKind.String } old ? old.GetString() : null;
    }

    /// <summary>The keys a move's history entry names (TicketMove's, in the services' layer above this one).</summary>
    public const string MoveTeamIdKey = "teamId", MoveItemTypeIdKey = "itemTypeId", MoveObjectIdKey = "object_id";

    /// <summary>
    /// The breach of <paramref name="clock"/>, told with the ticket as it is at <paramref name="ticket"/>'s version. Its
    /// id names the ticket, the clock and its target, not the version: the same breach found again, by another run or
    /// after a write, is the same event.
    /// </summary>
    public static TicketEvent Breach(Ticket ticket, TicketSla clock) => new()
    {
        Id = BreachIdOf(ticket.Id, clock),
        Type = TicketEventTypes.SlaBreached,
        Time = clock.TargetAt,
        TenantId = ticket.TenantId,
        TicketId = ticket.Id,
        ObjectId = ticket.ObjectId,
        TeamId = ticket.LookupProps.TeamId,
        Sequence = ticket.Version,
        Sla = clock with { State = TicketSla.Breached },
    };

    /// <summary>The clocks of <paramref name="ticket"/> that are breached at <paramref name="now"/> while still running (a stopped clock's breach is told by the write that stopped it late).</summary>
    public static IEnumerable<TicketSla> RunningBreaches(Ticket ticket, DateTimeOffset now)
    {
        foreach (var clock in ticket.Slas)
            if (clock.StoppedAt is null && clock.StateAt(now) == TicketSla.Breached) yield return clock;
    }

    /// <summary>The id of a write's event: the ticket's id, its version and the type. A write yields each type once.</summary>
    public static string IdOf(string ticketId, int version, string type) =>
        string.Create(CultureInfo.InvariantCulture, $"{ticketId}-v{version}-{type}");

    private static string BreachIdOf(string ticketId, TicketSla clock)
    {
        // Policy names are free text: hashed, so the id stays a safe document id (no '/', '?', '#').
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(clock.Name + "\n" + clock.TargetAt));
        return $"{ticketId}-sla-{Convert.ToHexStringLower(hash.AsSpan(0, 12))}";
    }

    private static TicketEvent Event(Ticket ticket, string type, IReadOnlyDictionary<string, ValueChange>? changes) => new()
    {
        Id = IdOf(ticket.Id, ticket.Version, type),
        Type = type,
        Time = ticket.UpdatedAt,
        TenantId = ticket.TenantId,
        TicketId = ticket.Id,
        ObjectId = ticket.ObjectId,
        TeamId = ticket.LookupProps.TeamId,
        Sequence = ticket.Version,
        Changes = changes,
    };
}
