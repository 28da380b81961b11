using System.Text.Json;
using System.Text.Json.Nodes;

namespace TicketingFunctions.Tickets;

/// <summary>
/// <c>ccWatchers</c> and <c>toWatchers</c>: lists of email addresses, sent in <c>ticketBody</c> on create and update
/// and stored in <c>data</c>, where the contract shows them. Each address is checked like an email field's value.
/// </summary>
public static class WatcherList
{
    public const string Cc = "ccWatchers";
    public const string To = "toWatchers";
    public const int MaxAddresses = 50;

    public static bool IsKey(string key) => key is Cc or To;

    /// <summary>
    /// The list to store: the addresses in the order sent, each once (compared case-insensitively, the first spelling
    /// kept), at most <see cref="MaxAddresses"/>. A JSON null is the empty list. Problems are added to
    /// <paramref name="errors"/> under <paramref name="key"/>, and the answer is then null.
    /// </summary>
    public static JsonArray? Validate(string key, JsonElement value, ValidationErrors errors)
    {
        if (value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(key, $"Field {key} must be an array of email addresses");
            return null;
        }

        var addresses = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var valid = true;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !FieldValueValidator.IsEmail(item.GetString()!))
            {
                valid = false;
                continue;
            }
            var address = item.GetString()!;
            if (seen.Add(address)) addresses.Add(address);
        }
        if (!valid) errors.Add(key, $"Field {key} must be an array of email addresses; at least one entry is not one");
        if (addresses.Count > MaxAddresses) errors.Add(key, $"Field {key} has more than {MaxAddresses} addresses");
        if (!valid || addresses.Count > MaxAddresses) return null;

        var list = new JsonArray();
        foreach (var address in addresses) list.Add(address);
        return list;
    }
}
