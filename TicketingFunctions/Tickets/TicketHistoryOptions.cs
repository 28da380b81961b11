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
