using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Services;

/// <summary>What one maintenance pass did.</summary>
public readonly record struct EventMaintenanceResult(int Published, int Breaches, int Pruned);

/// <summary>
/// The events' periodic pass, the same code under both hosts (the Functions host's timer, the standalone host's hosted
/// service): hands over events a crash left pending, records SLA breaches (no write happens when a clock passes its
/// target), and prunes events past the retention. Time comes from the injected <see cref="TimeProvider"/>, and each
/// step is idempotent: a breach's id names the ticket, the clock and its target, so finding it again records nothing.
/// </summary>
public sealed partial class EventMaintenance(
    ITicketStore tickets,
    ITicketEventStore events,
    TimeProvider time,
    IOptions<EventOptions> options,
    ILogger<EventMaintenance> logger)
{
    private const int BreachPageSize = 100;

    public async Task<EventMaintenanceResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var published = await events.PublishPendingAsync(cancellationToken);
        var breaches = 0;
        foreach (var tenantId in await events.ListTenantsAsync(cancellationToken))
            breaches += await RecordBreachesAsync(tenantId, now, cancellationToken);
        var pruned = await events.PruneEventsAsync(TicketFactory.Timestamp(now - options.Value.Retention), cancellationToken);
        if (published + breaches + pruned > 0) LogPass(logger, published, breaches, pruned);
        return new EventMaintenanceResult(published, breaches, pruned);
    }

    /// <summary>
    /// The tenant's tickets with a clock past its target (the stored <c>sla_breach_at</c> before now, the list's
    /// <c>sla=breached</c> query, deleted tickets left out), page by page in its partition; each clock still running
    /// past its target is a breach.
    /// </summary>
    public async Task<int> RecordBreachesAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var recorded = 0;
        var query = new TicketListQuery(tenantId, [new SlaBreachedFilter(TicketFactory.Timestamp(now)), NotDeletedFilter.Instance],
            TicketSort.UpdatedAt, Descending: false, BreachPageSize) { IncludeData = false };
        while (true)
        {
            var page = await tickets.ListTicketsAsync(query, cancellationToken);
            foreach (var ticket in page.Tickets)
            {
                var breaches = TicketEvents.RunningBreaches(ticket, now).Select(clock => TicketEvents.Breach(ticket, clock)).ToList();
                if (breaches.Count > 0) recorded += await events.RecordEventsAsync(ticket, breaches, cancellationToken);
            }
            if (page.NextPosition is null) return recorded;
            query = query with { Position = page.NextPosition };
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Events: {Published} handed over after a crash, {Breaches} SLA breaches recorded, {Pruned} expired events pruned")]
    private static partial void LogPass(ILogger logger, int published, int breaches, int pruned);
}
