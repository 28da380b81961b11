using System.Buffers;
using System.Text.Json;

namespace TicketingFunctions.Tickets.Listing;

/// <summary>What a listing is sorted by; ties are broken by the ticket's id, so the order is total.</summary>
public enum TicketSort
{
    CreatedAt,
    UpdatedAt,
    /// <summary>The later of the last write and the last public comment (<see cref="TicketField.LastActivityAt"/>).</summary>
    LastActivity,
    /// <summary>Deletion order, for a sync client's <c>deletedSince</c> (issue 17).</summary>
    DeletedSeq,
}

/// <summary>
/// A listing as a store runs it: one tenant's tickets that meet every filter (the caller's visibility included), in
/// one total order, one page at a time. <see cref="Position"/> is the store's own resume point from the previous page
/// (null for the first page); the store answers the next one in <see cref="TicketPage.NextPosition"/>.
/// </summary>
public sealed record TicketListQuery(
    string TenantId,
    IReadOnlyList<TicketFilter> Filters,
    TicketSort Sort,
    bool Descending,
    int PageSize,
    string? Position = null)
{
    /// <summary>
    /// Whether the tickets must carry their <c>data</c>. Without it a store may leave <c>data</c> unread (it answers an
    /// empty object), which spares the Cosmos DB request and the parse the largest member. Not part of the binding.
    /// </summary>
    public bool IncludeData { get; init; } = true;

    public TicketField SortField => Sort switch
    {
        TicketSort.CreatedAt => TicketField.CreatedAt,
        TicketSort.UpdatedAt => TicketField.UpdatedAt,
        TicketSort.LastActivity => TicketField.LastActivityAt,
        _ => TicketField.DeletedSeq,
    };

    /// <summary>
    /// The tenant, the filters, the sort and the order, written unambiguously (a JSON array). A continuation token
    /// is bound to it: a token is only accepted for a listing with the same canonical form. Page size and position
    /// are not part of it.
    /// </summary>
    public byte[] Canonical()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(TenantId);
            writer.WriteStringValue(SortField.Path);
            writer.WriteStringValue(Descending ? "desc" : "asc");
            foreach (var filter in Filters) filter.WriteCanonical(writer);
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>True when a filter can match no ticket at all, so that there is nothing to ask a store.</summary>
    public bool MatchesNothing => Filters.Any(f => f is AnyOfFilter { Values.Count: 0 });

    /// <summary>Whether a ticket with these values meets every filter.</summary>
    public bool Matches(string?[] values)
    {
        for (var i = 0; i < Filters.Count; i++)
            if (!Filters[i].Matches(values)) return false;
        return true;
    }
}

/// <summary>One page: its tickets in the listing's order, and where the next page starts (null when none is left).</summary>
public sealed record TicketPage(IReadOnlyList<Ticket> Tickets, string? NextPosition)
{
    /// <summary>
    /// The same tickets as the JSON the store holds for them, when it has it ready and no ticket's answer depends on
    /// the time of reading (<see cref="ListedTicketJson.HasClocks"/>); null otherwise (the Cosmos DB store). Only the
    /// listing's response writer (<c>TicketListJson.Write</c>) reads it: it copies these bytes instead of serializing
    /// <see cref="Tickets"/>, which it then never reads, so the tickets are not parsed. Nothing between the store and
    /// the writer looks at it (a test checks that the service and the function don't name it).
    /// </summary>
    public IReadOnlyList<ListedTicketJson>? StoredJson { get; init; }

    /// <summary>
    /// The page as a listing answers it at <paramref name="now"/>: each ticket's SLA states as of then, as a read
    /// answers them. A page with <see cref="StoredJson"/> has no clocks, so it is already that answer.
    /// </summary>
    public TicketPage ObservedAt(DateTimeOffset now) =>
        StoredJson is not null ? this : this with { Tickets = [.. Tickets.Select(t => SlaClocks.Observe(t, now))] };
}
