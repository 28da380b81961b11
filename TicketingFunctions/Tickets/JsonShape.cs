using System.Text.Json;

namespace TicketingFunctions.Tickets;

internal static class JsonShape
{
    /// <summary>True when an object anywhere in <paramref name="element"/> names the same key twice.</summary>
    public static bool HasDuplicateKeys(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                foreach (var property in element.EnumerateObject())
                {
                    seen ??= new HashSet<string>(StringComparer.Ordinal);
                    if (!seen.Add(property.Name) || HasDuplicateKeys(property.Value)) return true;
                }
                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    if (HasDuplicateKeys(item)) return true;
                return false;
            default:
                return false;
        }
    }
}
