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
    public async Task Listings_between_creates_and_replaces_walk_each_order_as_a_sort_of_the_tickets_as_they_are_then()
    {
        // The index changes its orders in place between snapshots and takes a new one at the first page after a write:
        // every walk, in each order and direction, from any page size, against a sort of the tickets written so far.
        var store = TestDataFolders.NewStore();
        var tenant = Guid.NewGuid().ToString();
        var random = new Random(20);
        var tickets = new Dictionary<string, TicketingFunctions.Tickets.Ticket>();
        string Time(int minute) => DateTimeOffset.Parse("2025-07-10T00:00:00Z").AddMinutes(minute).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        var walks = 0;
        for (var step = 0; step < 400; step++)
        {
            if (tickets.Count == 0 || random.Next(3) > 0)
            {
                // Few distinct times: many ties, ordered by id.
                var ticket = TicketListApi.NewTicket(tenant, $"CTC-{step:D4}", "james", "16910", createdAt: Time(random.Next(20)), serial: step + 1);
                await store.CreateTicketAsync(ticket, default);
                tickets[ticket.ObjectId] = ticket;
            }
            else
            {
                var current = tickets.Values.ElementAt(random.Next(tickets.Count));
                var next = current with { Etag = Guid.NewGuid().ToString(), Version = current.Version + 1, UpdatedAt = Time(20 + random.Next(20)) };
                await store.ReplaceTicketAsync(next, current.Etag, default);
                tickets[next.ObjectId] = next;
            }
            if (random.Next(5) > 0) continue;
            foreach (var sort in new[] { TicketSort.CreatedAt, TicketSort.UpdatedAt, TicketSort.LastActivity })
                foreach (var descending in new[] { false, true })
                {
                    var query = new TicketListQuery(tenant, [], sort, descending, 1 + random.Next(7));
                    var ordinal = query.SortField.Ordinal;
                    var expected = tickets.Values.Select(TicketField.ValuesOf)
                        .OrderBy(v => v[ordinal], StringComparer.Ordinal).ThenBy(v => v[TicketField.Id.Ordinal], StringComparer.Ordinal)
                        .Select(v => v[TicketField.Id.Ordinal]).ToList();
                    if (descending) expected.Reverse();
                    var walked = new List<string>();
                    for (var page = 0; page < 1000; page++)
                    {
                        var result = await store.ListTicketsAsync(query, default);
                        walked.AddRange(result.Tickets.Select(t => t.Id));
                        if (result.NextPosition is null) break;
                        query = query with { Position = result.NextPosition };
                    }
                    Assert.Equal(expected, walked);
                    walks++;
                }
        }
        Assert.True(walks > 100);
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
