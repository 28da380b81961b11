namespace TicketingFunctions.Tickets;

/// <summary>The <c>includeDeleted</c> query parameter: only a tenant admin sees deleted tickets, and only when asking.</summary>
public static class DeletedTickets
{
    public const string IncludeDeletedParameter = "includeDeleted";

    /// <summary>True for <c>true</c>, false when absent or <c>false</c>; anything else is refused, keyed by the parameter.</summary>
    public static bool ParseIncludeDeleted(string? value, ValidationErrors errors)
    {
        if (value is null) return false;
        if (bool.TryParse(value, out var flag)) return flag;
        errors.Add(IncludeDeletedParameter, $"Query parameter {IncludeDeletedParameter} must be true or false");
        return false;
    }
}
