using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Tests.Events;

public sealed class EmbeddedTicketEventStoreTests : TicketEventStoreContract
{
    protected override Task<(ITicketStore Tickets, ITicketEventStore Events)> CreateStoreAsync()
    {
        var store = TestDataFolders.NewStore();
        return Task.FromResult<(ITicketStore, ITicketEventStore)>((store, store));
    }

    [Fact]
    public async Task Events_are_in_the_write_s_own_commit_and_survive_a_restart_with_their_positions()
    {
        var folder = TestDataFolders.New();
        var tenant = Guid.NewGuid().ToString();
        List<StoredTicketEvent> before;
        using (var store = new EmbeddedTicketStore(folder))
        {
            var ticket = Created(tenant, "CTC-0001");
            await store.CreateTicketAsync(ticket, default);
            await store.ReplaceTicketAsync(Next(ticket, TicketHistory.Updated, ("summary", "\"a\"", "\"b\"")), ticket.Etag, default);
            before = [.. (await store.ReadEventsAsync(tenant, 0, 100, default)).Events];
        }
        using (var reopened = new EmbeddedTicketStore(folder))
        {
            var after = (await reopened.ReadEventsAsync(tenant, 0, 100, default)).Events;
            Assert.Equal(before.Select(e => (e.Event.Id, e.Event.Position)), after.Select(e => (e.Event.Id, e.Event.Position)));
            Assert.Equal(before.Select(e => e.TicketJson.ToArray()), after.Select(e => e.TicketJson.ToArray()));
            // Positions go on from the last one given, also once the events before are pruned.
            await reopened.PruneEventsAsync("9999-01-01T00:00:00.000Z", default);
            var ticket = Created(tenant, "CTC-0002");
            await reopened.CreateTicketAsync(ticket, default);
            Assert.Equal(before[^1].Event.Position + 1, Assert.Single((await reopened.ReadEventsAsync(tenant, 0, 100, default)).Events).Event.Position);
        }
        TestDataFolders.Delete(folder);
    }

    [Fact]
    public async Task Prune_removes_the_events_older_than_the_cut_from_memory_and_file()
    {
        var folder = TestDataFolders.New();
        var tenant = Guid.NewGuid().ToString();
        using (var store = new EmbeddedTicketStore(folder))
        {
            var old = Created(tenant, "CTC-0001") with { UpdatedAt = "2025-01-01T00:00:00.000Z" };
            await store.CreateTicketAsync(old, default);
            await store.CreateTicketAsync(Created(tenant, "CTC-0002") with { UpdatedAt = "2025-03-01T00:00:00.000Z" }, default);

            Assert.Equal(1, await store.PruneEventsAsync("2025-02-01T00:00:00.000Z", default));
            Assert.Equal(0, await store.PruneEventsAsync("2025-02-01T00:00:00.000Z", default));
        }
        using (var reopened = new EmbeddedTicketStore(folder))
            Assert.Equal("CTC-0002", Assert.Single((await reopened.ReadEventsAsync(tenant, 0, 100, default)).Events).Event.ObjectId);
        TestDataFolders.Delete(folder);
    }
}
