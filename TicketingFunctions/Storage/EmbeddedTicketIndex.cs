using System.Collections.Immutable;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Storage;

/// <summary>
/// One tenant's tickets in each listing order (created_at, updated_at or last activity, then id), for the embedded store.
/// Each order is an immutable balanced tree with positional access: a page starts with one O(log n) search for its
/// resume point and reads on from there, so its cost does not depend on how deep into the listing it is, and never
/// involves other tenants' tickets or a sort. Writers (under the store's partition lock) swap in new trees; readers
/// page over the snapshot they took, without a lock.
/// </summary>
internal sealed class EmbeddedTicketIndex<TDocument> where TDocument : class
{
    /// <summary>A ticket in the index: its listing values (by <see cref="TicketField.Ordinal"/>) and its stored document.</summary>
    public sealed record Entry(string?[] Values, TDocument? Document);

    /// <summary>At most this many tickets are examined for one page; past it the page ends early, with a continuation.</summary>
    public const int MaxExaminedPerPage = 10_000;

    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private ImmutableSortedSet<Entry> _byCreated = ImmutableSortedSet.Create<Entry>(new Order(TicketField.CreatedAt));
    private ImmutableSortedSet<Entry> _byUpdated = ImmutableSortedSet.Create<Entry>(new Order(TicketField.UpdatedAt));
    private ImmutableSortedSet<Entry> _byActivity = ImmutableSortedSet.Create<Entry>(new Order(TicketField.LastActivityAt));
    private ImmutableSortedSet<Entry> _byDeleted = ImmutableSortedSet.Create<Entry>(new Order(TicketField.DeletedSeq));

    /// <summary>Adds the ticket, or replaces its previous entry. Callers hold the partition's lock.</summary>
    public void Put(string ticketId, string?[] values, TDocument document)
    {
        var entry = new Entry(values, document);
        var created = _byCreated;
        var updated = _byUpdated;
        var activity = _byActivity;
        var deleted = _byDeleted;
        if (_byId.TryGetValue(ticketId, out var previous))
        {
            created = created.Remove(previous);
            updated = updated.Remove(previous);
            activity = activity.Remove(previous);
            if (IsDeleted(previous)) deleted = deleted.Remove(previous);
        }
        _byId[ticketId] = entry;
        Volatile.Write(ref _byCreated, created.Add(entry));
        Volatile.Write(ref _byUpdated, updated.Add(entry));
        Volatile.Write(ref _byActivity, activity.Add(entry));
        Volatile.Write(ref _byDeleted, IsDeleted(entry) ? deleted.Add(entry) : deleted);
    }

    /// <summary>
    /// The deletion order holds deleted tickets only: it serves <see cref="TicketSort.DeletedSeq"/> listings, which
    /// always carry <see cref="DeletedSinceFilter"/> and so never match a ticket that is not deleted. Leaving those out
    /// spares every create an insert into it (at a random place: the tie-break is the id), and a deletedSince page the
    /// walk past them.
    /// </summary>
    private static bool IsDeleted(Entry entry) => entry.Values[TicketField.DeletedSeq.Ordinal] is { } seq && seq[0] != '-';

    /// <summary>
    /// The next page of the listing: up to <see cref="TicketListQuery.PageSize"/> matching entries after the query's
    /// position, and the position to resume from (null when the listing is done). The page ends early after
    /// <see cref="MaxExaminedPerPage"/> entries, so a filter that matches rarely still costs a bounded amount per page.
    /// </summary>
    public (IReadOnlyList<TDocument> Documents, string? NextPosition) Page(TicketListQuery query)
    {
        var set = query.Sort switch
        {
            TicketSort.CreatedAt => Volatile.Read(ref _byCreated),
            TicketSort.UpdatedAt => Volatile.Read(ref _byUpdated),
            TicketSort.LastActivity => Volatile.Read(ref _byActivity),
            _ => Volatile.Read(ref _byDeleted),
        };
        var sort = query.SortField.Ordinal;
        var step = query.Descending ? -1 : 1;
        var index = query.Descending ? set.Count - 1 : 0;
        if (query.Position is { } position)
        {
            var found = set.IndexOf(Probe(query.SortField, position));
            // Found: resume beside it. Not found (the ticket moved or its entry changed): beside where it would be.
            index = found >= 0 ? found + step : (query.Descending ? ~found - 1 : ~found);
        }

        var documents = new List<TDocument>(query.PageSize);
        Entry? last = null;
        for (var examined = 0; index >= 0 && index < set.Count && documents.Count < query.PageSize && examined < MaxExaminedPerPage; examined++, index += step)
        {
            last = set[index];
            if (query.Matches(last.Values)) documents.Add(last.Document!);
        }
        var done = index < 0 || index >= set.Count;
        return (documents, done || last is null ? null : PositionOf(last, sort));
    }

    private static string PositionOf(Entry entry, int sortOrdinal) =>
        entry.Values[sortOrdinal] + "\n" + entry.Values[TicketField.Id.Ordinal];

    private static Entry Probe(TicketField sort, string position)
    {
        var split = position.LastIndexOf('\n');
        var values = new string?[TicketField.All.Count];
        values[sort.Ordinal] = split < 0 ? position : position[..split];
        values[TicketField.Id.Ordinal] = split < 0 ? "" : position[(split + 1)..];
        return new Entry(values, null);
    }

    /// <summary>The sort field, then the id, both ordinal: the order Cosmos DB gives strings.</summary>
    private sealed class Order(TicketField sort) : IComparer<Entry>
    {
        public int Compare(Entry? x, Entry? y)
        {
            var bySort = string.CompareOrdinal(x!.Values[sort.Ordinal], y!.Values[sort.Ordinal]);
            return bySort != 0 ? bySort : string.CompareOrdinal(x.Values[TicketField.Id.Ordinal], y.Values[TicketField.Id.Ordinal]);
        }
    }
}
