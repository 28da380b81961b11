using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tickets;

/// <summary>
/// Starts, stops and reads a ticket's SLA clocks. Clocks count wall-clock hours from creation: nights, weekends and
/// holidays count like any other hour, and a clock does not pause while it runs.
/// </summary>
public static class SlaClocks
{
    /// <summary>One clock per policy, each with its target <c>hours</c> after <paramref name="now"/>; stopped at once if the initial category already reaches its stop.</summary>
    public static IReadOnlyList<TicketSla> Start(IReadOnlyList<SlaPolicy>? policies, string category, DateTimeOffset now)
    {
        if (policies is not { Count: > 0 }) return [];
        var timestamp = TicketFactory.Timestamp(now);
        var clocks = new TicketSla[policies.Count];
        for (var i = 0; i < policies.Count; i++)
        {
            var policy = policies[i];
            clocks[i] = new TicketSla
            {
                Name = policy.Name,
                TargetAt = TicketFactory.Timestamp(now + TimeSpan.FromHours((double)policy.Hours)),
                StoppedAt = Reaches(category, policy.StopsAt) ? timestamp : null,
                StopsOn = policy.StopsAt == SlaPolicy.FirstPublicReply ? SlaPolicy.FirstPublicReply : null,
            };
        }
        return clocks;
    }

    /// <summary>
    /// The clocks after a move from <paramref name="fromCategory"/> to <paramref name="toCategory"/> at <paramref name="timestamp"/>.
    /// A running clock stops the first time the ticket reaches its policy's category or a later one. Reopening (leaving
    /// Done for an earlier category) sets the clocks that stop at Done running again, toward their original target; the
    /// others stay stopped, because what they measured (such as the first response) has happened. A clock whose policy
    /// has left the catalog is kept as it is.
    /// </summary>
    public static IReadOnlyList<TicketSla> Advance(IReadOnlyList<TicketSla> clocks, IReadOnlyList<SlaPolicy> policies, string fromCategory, string toCategory,
        string timestamp)
    {
        if (clocks.Count == 0) return clocks;
        var reopened = IsReopening(fromCategory, toCategory);
        var advanced = new TicketSla[clocks.Count];
        for (var i = 0; i < clocks.Count; i++)
        {
            var clock = clocks[i];
            var policy = policies.FirstOrDefault(p => string.Equals(p.Name, clock.Name, StringComparison.Ordinal));
            if (policy is null) advanced[i] = clock;
            else if (clock.StoppedAt is null && Reaches(toCategory, policy.StopsAt)) advanced[i] = clock with { StoppedAt = timestamp };
            else if (clock.StoppedAt is not null && reopened && policy.StopsAt == StatusCategories.Done) advanced[i] = clock with { StoppedAt = null };
            else advanced[i] = clock;
        }
        return advanced;
    }

    /// <summary>
    /// Whether the ticket measures its first response by the first public agent reply (it has a clock that stops there):
    /// then that reply, not the first move out of To-do, sets <c>time_to_first_response_seconds</c>.
    /// </summary>
    public static bool StopsOnFirstReply(Ticket ticket) => ticket.Slas.Any(c => c.StopsOn == SlaPolicy.FirstPublicReply);

    /// <summary>The ticket with each clock's <see cref="TicketSla.State"/> as of <paramref name="now"/>: what every answer shows.</summary>
    public static Ticket Observe(Ticket ticket, DateTimeOffset now)
    {
        if (ticket.Slas.Count == 0) return ticket;
        var observed = new TicketSla[ticket.Slas.Count];
        for (var i = 0; i < observed.Length; i++) observed[i] = ticket.Slas[i] with { State = ticket.Slas[i].StateAt(now) };
        return ticket with { Slas = observed };
    }

    /// <summary>
    /// The earliest instant from which one of the clocks is breached, or null when none is or can be: the target of a
    /// clock still running or stopped after its target. It changes only when the ticket is written, so it can be
    /// stored, and "breached now" is then the stored comparison <c>sla_breach_at &lt; now</c>, in the timestamp
    /// format, whose text order is time order.
    /// </summary>
    public static string? BreachAt(IReadOnlyList<TicketSla> clocks)
    {
        string? earliest = null;
        foreach (var clock in clocks)
        {
            if (clock.StoppedAt is not null && string.CompareOrdinal(clock.StoppedAt, clock.TargetAt) <= 0) continue; // met
            if (earliest is null || string.CompareOrdinal(clock.TargetAt, earliest) < 0) earliest = clock.TargetAt;
        }
        return earliest;
    }

    /// <summary>Leaving the Done category for an earlier one.</summary>
    public static bool IsReopening(string fromCategory, string toCategory) =>
        StatusCategories.Rank(fromCategory) == StatusCategories.Rank(StatusCategories.Done) &&
        StatusCategories.Rank(toCategory) < StatusCategories.Rank(StatusCategories.Done);

    private static bool Reaches(string category, string stopsAt) =>
        StatusCategories.Rank(category) >= StatusCategories.Rank(stopsAt) && StatusCategories.Rank(stopsAt) >= 0;
}
