namespace TicketingFunctions.Tickets;

/// <summary>
/// Lengths as the OpenAPI document's <c>maxLength</c> counts them (JSON Schema): in Unicode code points, so an emoji
/// counts once, not as the two UTF-16 units .NET strings hold it in.
/// </summary>
public static class TextLength
{
    public static int CodePoints(string text)
    {
        var surrogatePairs = 0;
        for (var i = 0; i < text.Length - 1; i++)
        {
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1]))
            {
                surrogatePairs++;
                i++;
            }
        }
        return text.Length - surrogatePairs;
    }

    /// <summary>True when <paramref name="text"/> has more than <paramref name="max"/> code points; cheap when it can't.</summary>
    public static bool Exceeds(string text, int max) => text.Length > max && CodePoints(text) > max;
}
