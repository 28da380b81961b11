using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tickets;

/// <summary>
/// The part of a validated update that works the ticket: the status to move to (null when not sent, or when it is the
/// current one), and the assignee (<see cref="AssigneeSent"/> false when the key was not sent; a null
/// <see cref="Assignee"/> then clears it). <see cref="Policies"/> are the type's SLA policies, which decide the clocks.
/// </summary>
public sealed record WorkUpdate(TicketStatus? Status, bool AssigneeSent, Assignee? Assignee, IReadOnlyList<SlaPolicy> Policies);
