using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Storage;

/// <summary>
/// The tenants' event feeds. A ticket store records the events of every ticket it writes (<see cref="TicketEvents.Of"/>)
/// with the write itself, or recoverably from it (<see cref="PublishPendingAsync"/>): no caller hands events over, so no
/// write can forget them. Each tenant's feed is in its partition, ordered by <see cref="TicketEvent.Position"/>, which
/// only grows; per ticket, positions follow versions.
/// </summary>
public interface ITicketEventStore
{
    /// <summary>
    /// The tenant's events after <paramref name="after"/> in position order, at most <paramref name="limit"/> of them,
    /// read in the tenant's partition from that position (the cost doesn't grow with it). <see cref="EventPage.Next"/> is
    /// where the following page starts; it never goes back.
    /// </summary>
    Task<EventPage> ReadEventsAsync(string tenantId, long after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="events"/> (breaches: no write of the ticket yields them) for <paramref name="ticket"/>
    /// at its version, skipping those whose id is already in the feed, and only while the stored ticket is still at
    /// that version (else nothing, and the next run finds them on the newer one). Returns how many entered the feed.
    /// </summary>
    Task<int> RecordEventsAsync(Ticket ticket, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Appends an event that tells of no ticket (<see cref="TicketEventTypes.WebhookDisabled"/>) to its tenant's feed,
    /// in one write, unless an event with its id is in the feed already. Returns whether it entered the feed.
    /// </summary>
    Task<bool> AppendEventAsync(TicketEvent e, CancellationToken cancellationToken);

    /// <summary>Hands over the events of writes whose events are not in the feed yet (after a crash); returns how many.</summary>
    Task<int> PublishPendingAsync(CancellationToken cancellationToken);

    /// <summary>Removes events whose time is before <paramref name="before"/> (a timestamp); returns how many.</summary>
    Task<int> PruneEventsAsync(string before, CancellationToken cancellationToken);

    /// <summary>The tenants the store holds a catalog or tickets for (for the timer's per-tenant passes).</summary>
    Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken cancellationToken);
}

/// <summary>An event as the feed serves it: its header and the JSON of the ticket revision it tells of (without history); empty for an event of no ticket.</summary>
public sealed record StoredTicketEvent(TicketEvent Event, ReadOnlyMemory<byte> TicketJson);

/// <summary>One page of a feed, and the position the next one starts after.</summary>
public sealed record EventPage(IReadOnlyList<StoredTicketEvent> Events, long Next, bool HasMore);
