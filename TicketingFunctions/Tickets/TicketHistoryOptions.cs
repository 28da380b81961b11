namespace TicketingFunctions.Tickets;

/// <summary>
/// Settings under <c>TicketHistory__*</c>: how much history a ticket document carries. When a write would take the
/// embedded history past either limit, its oldest entries move to the archive in one batch, down to half of both
/// limits, so an archive write happens once every ~<see cref="MaxEmbeddedEntries"/>/2 writes, not on every write.
/// </summary>
public sealed class TicketHistoryOptions
{
    public const string SectionName = "TicketHistory";

    /// <summary>Entries kept in the ticket document.</summary>
    public int MaxEmbeddedEntries { get; set; } = 50;

    /// <summary>
    /// Approximate size, in characters of JSON, of the embedded entries. Bounds the document (Cosmos DB allows 2 MB)
    /// when large rich-text values change often, whatever the entry count.
    /// </summary>
    public int MaxEmbeddedBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Approximate size, in characters of JSON, of one page of the history API (beside its entry limit): a page
    /// stops before the entry that would pass it, but always holds at least one entry.
    /// </summary>
    public int MaxPageBytes { get; set; } = 1024 * 1024;
}

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
