namespace TicketingFunctions.Tickets;

/// <summary>
/// The one counter of every length limit (body fields, query parameters, headers, file names, the body reader's
/// longest string): lengths as the OpenAPI document's <c>maxLength</c> counts them (JSON Schema), in Unicode code
/// points, so an emoji counts once, not as the two UTF-16 units .NET strings hold it in. Only limits whose text is
/// ASCII by rule (module, idempotency keys, continuation tokens, correlation ids) compare <c>string.Length</c>.
/// </summary>
public static class TextLength
{
    public static int CodePoints(ReadOnlySpan<char> text)
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
    public static bool Exceeds(ReadOnlySpan<char> text, int max) => text.Length > max && CodePoints(text) > max;

    /// <summary>True when <paramref name="text"/> has <paramref name="min"/> to <paramref name="max"/> code points.</summary>
    public static bool Within(ReadOnlySpan<char> text, int min, int max) => !Exceeds(text, max) && CodePoints(text) >= min;
}
