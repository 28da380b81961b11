using System.Text.Json;

namespace TicketingFunctions.Tickets;

/// <summary>Numbers a stored value may hold: ones a double can represent. <c>1e999999999</c> is valid JSON but no reader
/// of the ticket could read it back (it overflows to infinity), so it is refused where it is sent.</summary>
public static class JsonNumbers
{
    /// <summary>True when a number anywhere in <paramref name="element"/> is outside the range of a double.</summary>
    public static bool HasOutOfRange(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                return !element.TryGetDouble(out var value) || !double.IsFinite(value);
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                    if (HasOutOfRange(property.Value)) return true;
                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    if (HasOutOfRange(item)) return true;
                return false;
            default:
                return false;
        }
    }
}
