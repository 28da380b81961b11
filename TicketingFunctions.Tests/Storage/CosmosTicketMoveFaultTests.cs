using System.Net;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Storage;

/// <summary>
/// Issue 22 on Cosmos DB, which writes a move in steps (the emulator has no transactional batch): a failure between
/// them, injected in the client's HTTP pipeline, never shows two live tickets, and the next reader finishes the move.
/// </summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosTicketMoveFaultTests(CosmosEmulatorFixture emulator)
{
    private readonly RecordingHandler _wire = new();

    private CosmosTicketStore NewStore() => emulator.NewStore(CosmosEmulatorFixture.NewDatabaseName(), _wire.Interceptor);

    private static bool IsTicketCreate(HttpRequestMessage r) => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith("/colls/tickets/docs", StringComparison.Ordinal)
        && !r.Headers.Contains("x-ms-documentdb-isquery");

    private static bool IsTicketReplace(HttpRequestMessage r) => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.Contains("/colls/tickets/docs/", StringComparison.Ordinal);

    private static async Task<Ticket> CreateAsync(CosmosTicketStore store, string tenant)
    {
        await store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, "CTC-0001"), default);
        // The create's events handed over first: the publisher's patch would otherwise move the document's _etag at any
        // moment, and the move's replace be retried on a fresh read, one more replace than the faults below count on.
        await store.DrainPublisherAsync();
        return (await store.GetTicketAsync(tenant, "CTC-0001", default))!;
    }

    [Fact]
    public async Task A_failure_after_the_tombstone_hides_the_old_ticket_and_the_next_read_creates_the_successor()
    {
        var store = NewStore();
        var tenant = Guid.NewGuid().ToString();
        var current = await CreateAsync(store, tenant);
        var (tombstone, successor) = TicketStoreContract.MoveOf(current, "HWI-0001", "idem-1");
        _wire.Fault = r => IsTicketCreate(r) ? RecordingHandler.ServiceError(HttpStatusCode.ServiceUnavailable, "Injected") : null;

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.MoveTicketAsync(tombstone, current.Etag, successor, null, default));

        // Half-way: the old ticket is hidden from listings already, the successor not there yet: never two live tickets.
        _wire.Fault = null;
        Assert.Empty(await TicketStoreContract.LiveAsync(store, tenant));
        // Whoever reads the tombstone next finishes the move: the successor exists, the mark is gone.
        var old = (await store.GetTicketAsync(tenant, "CTC-0001", default))!;
        Assert.Equal(("HWI-0001", "idem-1"), (old.MovedTo, old.MovedByKey));
        Assert.Null(old.PendingSuccessor);
        var created = (await store.GetTicketAsync(tenant, "HWI-0001", default))!;
        Assert.Equal((successor.Id, successor.Etag), (created.Id, created.Etag));
        Assert.Equal([current.Id], created.MovedFrom);
        Assert.Equal(["HWI-0001"], await TicketStoreContract.LiveAsync(store, tenant));
        // Finishing twice is harmless.
        Assert.Equal("HWI-0001", (await store.GetTicketAsync(tenant, "CTC-0001", default))!.MovedTo);
    }

    [Fact]
    public async Task A_failure_of_the_last_step_still_answers_a_finished_move_whose_mark_the_next_read_clears()
    {
        var store = NewStore();
        var tenant = Guid.NewGuid().ToString();
        var current = await CreateAsync(store, tenant);
        var (tombstone, successor) = TicketStoreContract.MoveOf(current, "HWI-0001");
        var replaces = 0;
        // The first replace is the tombstone (kept), the second clears its mark (failed).
        _wire.Fault = r => IsTicketReplace(r) && ++replaces == 2 ? RecordingHandler.ServiceError(HttpStatusCode.ServiceUnavailable, "Injected") : null;

        await store.MoveTicketAsync(tombstone, current.Etag, successor, null, default);

        _wire.Fault = null;
        Assert.Equal(["HWI-0001"], await TicketStoreContract.LiveAsync(store, tenant));
        Assert.Null((await store.GetTicketAsync(tenant, "CTC-0001", default))!.PendingSuccessor);
        Assert.Equal(successor.Id, (await store.GetTicketAsync(tenant, "HWI-0001", default))!.Id);
    }
}
