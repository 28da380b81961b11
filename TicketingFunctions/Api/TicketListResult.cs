using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Api;

/// <summary>A page of the listing, as the API answers it: the store's page as of the request, the token of the next one.</summary>
public sealed record TicketListResult(TicketPage Page, string? ContinuationToken, bool IncludeData);
