namespace TicketingFunctions.Tickets;

/// <summary>Messages per offending key, in the order they were found: <c>validationResult.reason</c>.</summary>
public sealed class ValidationErrors : Dictionary<string, List<string>>
{
    public ValidationErrors() : base(StringComparer.Ordinal) { }

    public void Add(string key, string message)
    {
        if (!TryGetValue(key, out var list)) this[key] = list = [];
        list.Add(message);
    }

    public void AddAll(string key, List<string> messages)
    {
        foreach (var message in messages) Add(key, message);
    }
}
