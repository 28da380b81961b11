using System.Globalization;

namespace TicketingFunctions.Tickets;

/// <summary>
/// Which page of a ticket's history a request asks for: the entries with a version greater than <see cref="After"/>,
/// oldest first, at most <see cref="Limit"/> of them. Versions are consecutive (one entry per write), so a page is a
/// range of versions and costs the same wherever it starts.
/// </summary>
public readonly record struct HistoryPage(int After, int Limit)
{
    public const string LimitParameter = "limit";
    public const string AfterParameter = "after";
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The page the query names, or errors keyed by the parameter (<c>limit</c>, <c>after</c>).</summary>
    public static HistoryPage Parse(string? limit, string? after, ValidationErrors errors)
    {
        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
            errors.Add(LimitParameter, $"Query parameter limit must be a whole number from 1 to {MaxLimit}");
        var start = 0;
        if (after is not null && !int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out start))
            errors.Add(AfterParameter, "Query parameter after must be a version number (0 or more)");
        return new HistoryPage(start, size);
    }

    /// <summary>The last version this page can hold.</summary>
    public int Through => (int)Math.Min(int.MaxValue, (long)After + Limit);

    /// <summary>
    /// This page of <paramref name="entries"/> (every entry in (After, Through], ascending): at most <see cref="Limit"/>
    /// entries and about <paramref name="maxBytes"/> of them, but always the first one, however large. The cursor is the
    /// last version returned when the ticket has later ones, else null.
    /// </summary>
    public (IReadOnlyList<TicketHistoryEntry> Entries, int? NextAfter) Take(IReadOnlyList<TicketHistoryEntry> entries, int maxBytes, int currentVersion)
    {
        var page = new List<TicketHistoryEntry>(Math.Min(entries.Count, Limit));
        long bytes = 0;
        foreach (var entry in entries)
        {
            if (entry.Version <= After) continue;
            if (page.Count == Limit) break;
            var size = HistoryCompaction.EstimateSize(entry);
            if (page.Count > 0 && bytes + size > maxBytes) break;
            bytes += size;
            page.Add(entry);
        }
        var last = page.Count > 0 ? page[^1].Version : After;
        return (page, last < currentVersion ? last : null);
    }
}
