using TicketingFunctions.Api;
using TicketingFunctions.Tickets;
namespace TicketingFunctions.Services;

/// <summary>The <c>includeDeleted</c> query parameter: only a tenant admin sees deleted tickets, and only when asking.</summary>
public static class DeletedTickets
{
    public const string IncludeDeletedParameter = "includeDeleted";

    /// <summary>True for <c>true</c>, false when absent or <c>false</c>; anything else is refused (<see cref="BooleanText"/>).</summary>
    public static bool ParseIncludeDeleted(string? value, ValidationErrors errors) =>
        BooleanText.Parse(value, BooleanText.QueryParameter, IncludeDeletedParameter, errors);
}
