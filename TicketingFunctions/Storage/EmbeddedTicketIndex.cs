using System.Collections.Immutable;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Storage;

/// <summary>
/// One tenant's tickets in each listing order (created_at, updated_at or last activity, then id), for the embedded store.
/// Each order is an immutable balanced tree with positional access: a page starts with one O(log n) search for its
/// resume point and reads on from there, so its cost does not depend on how deep into the listing it is, and never
/// involves other tenants' tickets or a sort. Readers page over the snapshot they took, without a lock.
/// Writers change each order through its builder, which changes in place the nodes no snapshot has seen and copies
/// only those one has: a put between two snapshots costs a new node, not a copy of the path from the root (that copy
/// was most of what a create allocated in the store). The first page after puts takes the new snapshot, so a page
/// always holds every put made before it started.
/// </summary>
internal sealed class EmbeddedTicketIndex<TDocument> where TDocument : class
{
    /// <summary>A ticket in the index: its listing values (by <see cref="TicketField.Ordinal"/>) and its stored document.</summary>
    public sealed record Entry(string?[] Values, TDocument? Document);

    /// <summary>At most this many tickets are examined for one page; past it the page ends early, with a continuation.</summary>
    public const int MaxExaminedPerPage = 10_000;

    /// <summary>Guards the builders and the taking of snapshots (<see cref="Put"/>, <see cref="Snapshot"/>).</summary>
    private readonly object _writing = new();
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly ImmutableSortedSet<Entry>.Builder _created = Builder(TicketField.CreatedAt);
    private readonly ImmutableSortedSet<Entry>.Builder _updated = Builder(TicketField.UpdatedAt);
    private readonly ImmutableSortedSet<Entry>.Builder _activity = Builder(TicketField.LastActivityAt);
    private readonly ImmutableSortedSet<Entry>.Builder _deleted = Builder(TicketField.DeletedSeq);
    /// <summary>The orders as pages read them: taken from the builders by the first page after a put.</summary>
    private Snapshots _snapshots;
    /// <summary>True from a put until the next snapshot.</summary>
    private volatile bool _changed;

    private sealed record Snapshots(ImmutableSortedSet<Entry> Created, ImmutableSortedSet<Entry> Updated, ImmutableSortedSet<Entry> Activity,
        ImmutableSortedSet<Entry> Deleted);

    public EmbeddedTicketIndex() => _snapshots = Take();

    private static ImmutableSortedSet<Entry>.Builder Builder(TicketField sort) => ImmutableSortedSet.Create<Entry>(new Order(sort)).ToBuilder();

    /// <summary>Adds the ticket, or replaces its previous entry. Callers hold the partition's lock.</summary>
    public void Put(string ticketId, string?[] values, TDocument document)
    {
        var entry = new Entry(values, document);
        lock (_writing)
        {
            if (_byId.TryGetValue(ticketId, out var previous))
            {
                _created.Remove(previous);
                _updated.Remove(previous);
                _activity.Remove(previous);
                if (IsDeleted(previous)) _deleted.Remove(previous);
            }
            _byId[ticketId] = entry;
            _created.Add(entry);
            _updated.Add(entry);
            _activity.Add(entry);
            if (IsDeleted(entry)) _deleted.Add(entry);
            _changed = true;
        }
    }

    /// <summary>The orders with every put made so far: the last snapshot, or (after puts) a new one.</summary>
    private Snapshots Snapshot()
    {
        if (!_changed) return Volatile.Read(ref _snapshots);
        lock (_writing)
        {
            if (_changed)
            {
                Volatile.Write(ref _snapshots, Take());
                _changed = false;
            }
            return _snapshots;
        }
    }

    /// <summary>Freezes what the builders changed since the last snapshot (a later put copies a frozen node before changing it).</summary>
    private Snapshots Take() => new(_created.ToImmutable(), _updated.ToImmutable(), _activity.ToImmutable(), _deleted.ToImmutable());

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
        var snapshots = Snapshot();
        var set = query.Sort switch
        {
            TicketSort.CreatedAt => snapshots.Created,
            TicketSort.UpdatedAt => snapshots.Updated,
            TicketSort.LastActivity => snapshots.Activity,
            _ => snapshots.Deleted,
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
