namespace TicketingFunctions.Api;

/// <summary>
/// The one rule for a boolean in a query string or a header (<c>includeDeleted</c>, <c>issupportrequest</c>, and any
/// flag to come): exactly <c>true</c> or <c>false</c>, lower case, as JSON writes them. <c>TRUE</c>, <c>True</c>,
/// <c>1</c>, <c>yes</c> or an empty value are refused with 400, keyed by the parameter's or header's name.
/// </summary>
public static class BooleanText
{
    public static bool TryParse(string? text, out bool value)
    {
        value = string.Equals(text, "true", StringComparison.Ordinal);
        return value || string.Equals(text, "false", StringComparison.Ordinal);
    }

    /// <summary>The flag, or <paramref name="absent"/> when not sent; anything else adds "{where} {name} must be true or false".</summary>
    public static bool Parse(string? text, string where, string name, Tickets.ValidationErrors errors, bool absent = false)
    {
        if (text is null) return absent;
        if (TryParse(text, out var value)) return value;
        errors.Add(name, Refusal(where, name));
        return absent;
    }

    public static string Refusal(string where, string name) => $"{where} {name} must be true or false";

    public const string Header = "Header";
    public const string QueryParameter = "Query parameter";
}
