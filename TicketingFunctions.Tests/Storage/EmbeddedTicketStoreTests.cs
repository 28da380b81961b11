using System.Text.Json;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.Storage;

public sealed class EmbeddedTicketStoreTests : TicketStoreContract
{
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(TestDataFolders.NewStore());

    /// <summary>A filter that counts the tickets it is asked about: what a page examined.</summary>
    private sealed record CountingFilter(bool Answer) : TicketFilter
    {
        private int _calls;
        public int Calls => _calls;
        public override bool Matches(string?[] values)
        {
            Interlocked.Increment(ref _calls);
            return Answer;
        }
        public override void WriteCanonical(Utf8JsonWriter writer) => writer.WriteStringValue("counting");
    }

    private static async Task PutAsync(EmbeddedTicketStore store, string tenant, int count)
    {
        for (var i = 0; i < count; i++)
            await store.CreateTicketAsync(TicketListApi.NewTicket(tenant, $"CTC-{i + 1:D5}", "james", "16910",
                createdAt: DateTimeOffset.Parse("2025-01-01T00:00:00Z").AddSeconds(i).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), serial: i + 1), default);
    }

    [Fact]
    public async Task A_page_examines_only_its_own_tickets_of_its_own_tenant_wherever_it_is_in_the_listing()
    {
        var store = TestDataFolders.NewStore();
        var tenant = Guid.NewGuid().ToString();
        await PutAsync(store, tenant, 3_000);
        await PutAsync(store, Guid.NewGuid().ToString(), 5_000);   // never looked at

        string? position = null;
        var examined = new List<int>();
        for (var page = 0; page < 120; page++)
        {
            var counter = new CountingFilter(true);
            var result = await store.ListTicketsAsync(new TicketListQuery(tenant, [counter], TicketSort.CreatedAt, true, 25, position), default);
            Assert.Equal(25, result.Tickets.Count);
            examined.Add(counter.Calls);
            position = result.NextPosition;
        }
        // Page 1 and page 120 (2,975 tickets in) each look at exactly the 25 tickets they answer: no offset is skipped, nothing sorted.
        Assert.All(examined, calls => Assert.Equal(25, calls));
        Assert.Null(position);
    }

    [Fact]
    public async Task A_filter_that_matches_rarely_ends_a_page_early_with_a_position_instead_of_scanning_the_tenant()
    {
        var store = TestDataFolders.NewStore();
        var tenant = Guid.NewGuid().ToString();
        await PutAsync(store, tenant, EmbeddedTicketStore.MaxExaminedPerPage + 500);

        var counter = new CountingFilter(false);
        var first = await store.ListTicketsAsync(new TicketListQuery(tenant, [counter], TicketSort.CreatedAt, true, 25), default);
        Assert.Empty(first.Tickets);
        Assert.NotNull(first.NextPosition);
        Assert.Equal(EmbeddedTicketStore.MaxExaminedPerPage, counter.Calls);

        var rest = new CountingFilter(false);
        var second = await store.ListTicketsAsync(new TicketListQuery(tenant, [rest], TicketSort.CreatedAt, true, 25, first.NextPosition), default);
        Assert.Empty(second.Tickets);
        Assert.Null(second.NextPosition);
        Assert.Equal(500, rest.Calls);
    }

    [Fact]
    public async Task A_deletedSince_page_examines_only_deleted_tickets_however_many_live_ones_the_tenant_has()
    {
        var store = TestDataFolders.NewStore();
        var tenant = Guid.NewGuid().ToString();
        await PutAsync(store, tenant, 3_000);
        var live = (await store.GetTicketAsync(tenant, "CTC-01500", default))!;
        await store.ReplaceTicketAsync(live with { DeletedSeq = 1 }, live.Etag, default);

        var counter = new CountingFilter(true);
        var page = await store.ListTicketsAsync(new TicketListQuery(tenant, [counter, new DeletedSinceFilter(0)], TicketSort.DeletedSeq, false, 25), default);

        Assert.Equal("CTC-01500", Assert.Single(page.Tickets).ObjectId);
        Assert.Null(page.NextPosition);
        Assert.Equal(1, counter.Calls);   // the 2,999 live tickets are not in the deletion order at all

        // Restored, it leaves the deletion order again.
        await store.ReplaceTicketAsync(live with { DeletedSeq = -1 }, live.Etag, default);
        Assert.Empty((await store.ListTicketsAsync(new TicketListQuery(tenant, [new DeletedSinceFilter(0)], TicketSort.DeletedSeq, false, 25), default)).Tickets);
    }
}
