using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.Storage;

/// <summary>Issue 22: a move to another ticket type, as every store must write it (<see cref="ITicketStore.MoveTicketAsync"/>).</summary>
public abstract partial class TicketStoreContract
{
    /// <summary>The ticket's tombstone and successor as a move builds them: the same next version, the successor naming its predecessor.</summary>
    internal static (Ticket Tombstone, Ticket Successor) MoveOf(Ticket current, string successorObjectId, string? key = null)
    {
        var entry = Entry(current.Version + 1, TicketHistory.Moved, ("moved_to", null, $"\"{successorObjectId}\""));
        var successor = current with
        {
            Id = Guid.NewGuid().ToString(),
            ObjectId = successorObjectId,
            Etag = Guid.NewGuid().ToString(),
            LookupProps = new LookupProps("team", "2"),
            Version = current.Version + 1,
            MovedFrom = [.. current.MovedFrom, current.Id],
            History = [.. current.History, entry],
        };
        var tombstone = current with
        {
            Etag = Guid.NewGuid().ToString(),
            MovedTo = successorObjectId,
            MovedByKey = key,
            Version = current.Version + 1,
            History = [.. current.History, entry],
        };
        return (tombstone, successor);
    }

    private static readonly TicketListQuery LiveOnly = new("", [new MissingFilter(TicketField.MovedTo)], TicketSort.CreatedAt, true, 50);

    internal static async Task<string[]> LiveAsync(ITicketStore store, string tenant) =>
        [.. (await store.ListTicketsAsync(LiveOnly with { TenantId = tenant }, default)).Tickets.Select(t => t.ObjectId).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_move_writes_the_tombstone_the_successor_and_the_keys_record_together()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var created = NewTicket(tenant, "CTC-0001") with { History = [Entry(1, TicketHistory.Created, ("summary", null, "\"Contract test\""))] };
        await store.CreateTicketAsync(created, default);
        var current = (await store.GetTicketAsync(tenant, "CTC-0001", default))!;
        var (tombstone, successor) = MoveOf(current, "HWI-0001", "idem-move");
        var claim = new IdempotencyRecord
        {
            Id = "idem-move", TenantId = tenant, RequestHash = "h", State = IdempotencyRecord.Pending,
            CreatedAtUnixSeconds = 1, ExpiresAtUnixSeconds = long.MaxValue / 2, Ttl = 60,
        };
        Assert.Null(await store.ClaimIdempotencyKeyAsync(claim, _ => false, default));

        await store.MoveTicketAsync(tombstone, current.Etag, successor, claim with { State = IdempotencyRecord.Completed, Ticket = successor }, default);

        var old = (await store.GetTicketAsync(tenant, "CTC-0001", default))!;
        Assert.Equal(("HWI-0001", "idem-move", tombstone.Etag, 2), (old.MovedTo, old.MovedByKey, old.Etag, old.Version));
        Assert.Null(old.PendingSuccessor);
        var read = (await store.GetTicketAsync(tenant, "HWI-0001", default))!;
        Assert.Equal([created.Id], read.MovedFrom);
        Assert.Equal((successor.Id, successor.Etag), (read.Id, read.Etag));
        Assert.Equal([TicketHistory.Created, TicketHistory.Moved], read.History.Select(e => e.Action));
        var record = await store.ClaimIdempotencyKeyAsync(claim, _ => false, default);
        Assert.Equal((IdempotencyRecord.Completed, "HWI-0001"), (record!.State, record.Ticket!.ObjectId));
        // Listings leave the tombstone out when asked to; a later move of the successor keeps the whole chain.
        Assert.Equal(["HWI-0001"], await LiveAsync(store, tenant));
        var (second, third) = MoveOf(read, "CTC-0002");
        await store.MoveTicketAsync(second, read.Etag, third, null, default);
        Assert.Equal([created.Id, successor.Id], (await store.GetTicketAsync(tenant, "CTC-0002", default))!.MovedFrom);
        Assert.Equal(["CTC-0002"], await LiveAsync(store, tenant));
        Assert.Equal(3, (await store.ListTicketsAsync(new TicketListQuery(tenant, [], TicketSort.CreatedAt, true, 50), default)).Tickets.Count);
    }

    [Fact]
    public async Task A_move_from_a_stale_etag_writes_nothing()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        await store.CreateTicketAsync(NewTicket(tenant, "CTC-0001"), default);
        await store.CreateTicketAsync(NewTicket(tenant, "HWI-0001"), default);
        var current = (await store.GetTicketAsync(tenant, "CTC-0001", default))!;

        var (tombstone, successor) = MoveOf(current, "HWI-0002");
        await Assert.ThrowsAsync<EtagMismatchException>(() => store.MoveTicketAsync(tombstone, Guid.NewGuid().ToString(), successor, null, default));
        Assert.Null(await store.GetTicketAsync(tenant, "HWI-0002", default));
        Assert.Null((await store.GetTicketAsync(tenant, "CTC-0001", default))!.MovedTo);

        Assert.Equal(["CTC-0001", "HWI-0001"], await LiveAsync(store, tenant));
    }
}
