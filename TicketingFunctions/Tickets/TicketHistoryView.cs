namespace TicketingFunctions.Tickets;

/// <summary>One page of a ticket's history, oldest first, and the <c>after</c> of the next page (null on the last).</summary>
public sealed record TicketHistoryView(string ObjectId, IReadOnlyList<TicketHistoryEntry> Entries, int? NextAfter);
