namespace TicketingFunctions.Tickets;

/// <summary>Decides which embedded entries move to the archive.</summary>
public static class HistoryCompaction
{
    public readonly record struct Split(IReadOnlyList<TicketHistoryEntry> Archive, IReadOnlyList<TicketHistoryEntry> Keep);

    /// <summary>
    /// Nothing moves while the history is within both limits. Past either, the oldest entries move until the rest
    /// is within half of both limits; the newest entry always stays.
    /// </summary>
    public static Split Compact(IReadOnlyList<TicketHistoryEntry> history, TicketHistoryOptions options)
    {
        var maxEntries = Math.Max(1, options.MaxEmbeddedEntries);
        var maxBytes = Math.Max(1, options.MaxEmbeddedBytes);
        var sizes = history.Select(EstimateSize).ToArray();
        var total = sizes.Sum(s => (long)s);
        if (history.Count <= maxEntries && total <= maxBytes) return new Split([], history);

        var keepEntries = Math.Max(1, maxEntries / 2);
        var keepBytes = maxBytes / 2;
        var moved = 0;
        while (moved < history.Count - 1 && (history.Count - moved > keepEntries || total > keepBytes))
        {
            total -= sizes[moved];
            moved++;
        }
        return new Split([.. history.Take(moved)], [.. history.Skip(moved)]);
    }

    /// <summary>Characters of JSON the entry takes, roughly: its values' text plus a fixed overhead.</summary>
    public static int EstimateSize(TicketHistoryEntry entry)
    {
        var size = 96 + entry.Username.Length + entry.Timestamp.Length + entry.Action.Length;
        foreach (var (key, change) in entry.Changes)
            size += key.Length + 24 + Length(change.Old) + Length(change.New);
        return size;
    }

    private static int Length(System.Text.Json.JsonElement? value) => value is { } v ? v.GetRawText().Length : 4;
}
