namespace TicketingFunctions.Tickets;

/// <summary>What a <c>ticketBody</c> is for (<see cref="TicketBodyValidator"/>).</summary>
public enum TicketBodyMode
{
    /// <summary>A new ticket: <c>offerId</c> names one of the type's offers; fields left out take their default, else are required.</summary>
    Create,
    /// <summary>A change: <c>offerId</c> may only repeat the current one; fields left out stay as they are, and null clears one.</summary>
    Update,
}
