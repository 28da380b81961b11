namespace TicketingFunctions.Tickets.Events;

/// <summary>Settings of the event feed (section <c>Events</c>).</summary>
public sealed class EventOptions
{
    public const string SectionName = "Events";

    /// <summary>How long the feed keeps an event, in days (at least 7 by default; pruned after).</summary>
    public int RetentionDays { get; set; } = 7;

    /// <summary>How often the standalone host runs the maintenance pass (catch-up, SLA breaches, prune), in seconds. The Functions host runs it from its timer's schedule.</summary>
    public int MaintenanceIntervalSeconds { get; set; } = 60;

    public TimeSpan Retention => TimeSpan.FromDays(Math.Max(1, RetentionDays));
}
