namespace TicketingFunctions.Tickets.Events;

/// <summary>The event types a ticket yields, as the feed's <c>types</c> filter and the envelope's <c>type</c> name them.</summary>
public static class TicketEventTypes
{
    public const string Created = "ticket.created";
    public const string Updated = "ticket.updated";
    public const string StatusChanged = "ticket.status_changed";
    public const string Assigned = "ticket.assigned";
    public const string Deleted = "ticket.deleted";
    public const string AttachmentLinked = "ticket.attachment_linked";
    public const string RelationChanged = "ticket.relation_changed";
    public const string SlaBreached = "ticket.sla_breached";
    /// <summary>A move to another team or type: told once, by the ticket that is where the move put it (<see cref="TicketEvents.Of"/>).</summary>
    public const string Moved = "ticket.moved";
    /// <summary>A public comment (an internal note yields no event at all).</summary>
    public const string CommentCreated = "comment.created";
    /// <summary>A webhook subscription whose endpoint failed too long was disabled: no ticket, <see cref="TicketEvent.Subscription"/> tells which.</summary>
    public const string WebhookDisabled = "webhook.disabled";

    public static readonly IReadOnlyList<string> All =
        [Created, Updated, StatusChanged, Assigned, Deleted, AttachmentLinked, RelationChanged, SlaBreached, Moved, CommentCreated, WebhookDisabled];

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}
