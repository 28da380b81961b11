namespace TicketingFunctions.Tickets;

/// <summary>
/// One page of a ticket's history (its writes and its comments' entries, by time), oldest first, the <c>after</c> of
/// the next page and its <c>commentsAfter</c> (both null on the last).
/// </summary>
public sealed record TicketHistoryView(string ObjectId, IReadOnlyList<TicketHistoryEntry> Entries, int? NextAfter, string? NextCommentsAfter = null);
