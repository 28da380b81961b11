using System.Globalization;

namespace TicketingFunctions.Tickets;

/// <summary>Display ids: the ticket type's prefix, a dash, and the tenant's number for that prefix, at least 4 digits.</summary>
public static class DisplayId
{
    public static string Format(string prefix, long number) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{number:D4}");
}
