namespace TicketingFunctions.Tickets;

/// <summary>A new ticket's numbers from its tenant's counter: the tenant-wide serial and its ticket type prefix's number.</summary>
public readonly record struct DisplayNumber(long Serial, long Number);
