using System.Text.Json.Nodes;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tickets;

/// <summary>
/// Applies the work part of an update: the new status and its category, <c>resolved_at</c>, the metrics and the SLA
/// clocks that follow from the move, and the assignee. Each changed key gets its old and new value in
/// <paramref name="changes"/>, for the update's one history entry.
/// </summary>
public static class WorkUpdateApplier
{
    public static Ticket Apply(Ticket current, WorkUpdate work, DateTimeOffset now, IDictionary<string, ValueChange> changes)
    {
        var ticket = current;
        if (work.Status is { } to && !string.Equals(to.Type, current.StatusType, StringComparison.Ordinal))
            ticket = Move(ticket, to, work.Policies, now, changes);

        if (work.AssigneeSent && work.Assignee != current.Assignee)
        {
            changes[WorkUpdateValidator.AssigneeKey] = new(TicketHistory.Element(Node(current.Assignee)), TicketHistory.Element(Node(work.Assignee)));
            ticket = ticket with { Assignee = work.Assignee };
        }
        return ticket;
    }

    private static Ticket Move(Ticket ticket, TicketStatus to, IReadOnlyList<SlaPolicy> policies, DateTimeOffset now, IDictionary<string, ValueChange> changes)
    {
        changes[WorkUpdateValidator.StatusTypeKey] = new(TicketHistory.Element(ticket.StatusType), TicketHistory.Element(to.Type));
        if (!string.Equals(to.Category, ticket.StatusCategory, StringComparison.Ordinal))
            changes[WorkUpdateValidator.StatusCategoryKey] = new(TicketHistory.Element(ticket.StatusCategory), TicketHistory.Element(to.Category));

        var timestamp = TicketFactory.Timestamp(now);
        var from = StatusCategories.Rank(ticket.StatusCategory);
        var into = StatusCategories.Rank(to.Category);
        var done = StatusCategories.Rank(StatusCategories.Done);
        // Measured between the stored timestamps, so a metric agrees with created_at and updated_at to the second.
        var elapsed = (long)Math.Floor((TicketSla.Parse(timestamp) - TicketSla.Parse(ticket.CreatedAt)).TotalSeconds);

        var metrics = ticket.Metrics.ToList();
        var resolvedAt = ticket.ResolvedAt;
        if (from == StatusCategories.Rank(StatusCategories.ToDo) && into > from && !metrics.Any(m => m.Name == TicketMetric.TimeToFirstResponse)
            && !SlaClocks.StopsOnFirstReply(ticket))
            metrics.Add(new(TicketMetric.TimeToFirstResponse, elapsed));
        if (into == done && from != done)
        {
            Set(metrics, TicketMetric.TimeToResolution, elapsed);
            resolvedAt = timestamp;
        }
        if (SlaClocks.IsReopening(ticket.StatusCategory, to.Category))
        {
            Set(metrics, TicketMetric.ReopenedCount, (metrics.FirstOrDefault(m => m.Name == TicketMetric.ReopenedCount)?.Value ?? 0) + 1);
            resolvedAt = null;
        }

        return ticket with
        {
            StatusType = to.Type,
            StatusCategory = to.Category,
            ResolvedAt = resolvedAt,
            Metrics = metrics,
            Slas = SlaClocks.Advance(ticket.Slas, policies, ticket.StatusCategory, to.Category, timestamp),
        };
    }

    private static void Set(List<TicketMetric> metrics, string name, long value)
    {
        var index = metrics.FindIndex(m => m.Name == name);
        if (index >= 0) metrics[index] = new(name, value);
        else metrics.Add(new(name, value));
    }

    private static JsonObject? Node(Assignee? assignee) => assignee is null ? null : new JsonObject { ["username"] = assignee.Username };
}
