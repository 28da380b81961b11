using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.Storage;

/// <summary>How every store lists: order, resumption, each filter kind, tenants apart, updates re-ordered.</summary>
public abstract partial class TicketStoreContract
{
    private static async Task<List<Ticket>> PutListingTicketsAsync(ITicketStore store, string tenant)
    {
        var tickets = new List<Ticket>();
        (string Team, string Type, string Summary, string Created)[] specs =
        [
            ("james", "16910", "New laptop", "2025-07-10T08:00:00.000Z"),
            ("james", "16911", "VPN down", "2025-07-10T09:00:00.000Z"),
            ("facilities", "16912", "Pay the LAPTOP vendor", "2025-07-10T09:00:00.000Z"),
            ("facilities", "16911", "Printer", "2025-07-11T00:00:00.000Z"),
            ("james", "16910", "Dock", "2025-07-09T23:59:59.999Z"),
        ];
        for (var i = 0; i < specs.Length; i++)
        {
            var ticket = TicketListApi.NewTicket(tenant, $"CTC-{i + 1:D4}", specs[i].Team, specs[i].Type, specs[i].Summary, createdAt: specs[i].Created, serial: i + 1);
            await store.CreateTicketAsync(ticket, default);
            tickets.Add(ticket);
        }
        return tickets;
    }

    private static async Task<List<string>> WalkAsync(ITicketStore store, TicketListQuery query)
    {
        var ids = new List<string>();
        for (var page = 0; page < 1000; page++)
        {
            var result = await store.ListTicketsAsync(query, default);
            Assert.True(result.Tickets.Count <= query.PageSize);
            ids.AddRange(result.Tickets.Select(t => t.ObjectId));
            if (result.NextPosition is null) return ids;
            query = query with { Position = result.NextPosition };
        }
        throw new InvalidOperationException("the listing never ended");
    }

    private static IEnumerable<string> Ordered(IEnumerable<Ticket> tickets, bool descending, Func<Ticket, string>? key = null)
    {
        var ordered = tickets.OrderBy(key ?? (t => t.CreatedAt), StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal).Select(t => t.ObjectId);
        return descending ? ordered.Reverse() : ordered;
    }

    [Fact]
    public async Task A_listing_walks_the_tenants_tickets_in_order_resuming_after_each_page()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var tickets = await PutListingTicketsAsync(store, tenant);
        await PutListingTicketsAsync(store, NewTenant());

        foreach (var size in new[] { 1, 2, 5, 100 })
        {
            Assert.Equal(Ordered(tickets, true), await WalkAsync(store, new TicketListQuery(tenant, [], TicketSort.CreatedAt, true, size)));
            Assert.Equal(Ordered(tickets, false), await WalkAsync(store, new TicketListQuery(tenant, [], TicketSort.CreatedAt, false, size)));
        }
        Assert.Empty(await WalkAsync(store, new TicketListQuery(NewTenant(), [], TicketSort.CreatedAt, true, 5)));
    }

    [Fact]
    public async Task Each_filter_kind_selects_its_tickets()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var tickets = await PutListingTicketsAsync(store, tenant);
        async Task Check(Func<Ticket, bool> expected, params TicketFilter[] filters) =>
            Assert.Equal(Ordered(tickets.Where(expected), true), await WalkAsync(store, new TicketListQuery(tenant, filters, TicketSort.CreatedAt, true, 2)));

        await Check(t => t.LookupProps.TeamId == "facilities", new AnyOfFilter(TicketField.TeamId, ["facilities", "nobody"]));
        await Check(t => t.LookupProps.ItemTypeId is "16910" or "16912", new AnyOfFilter(TicketField.ItemTypeId, ["16912", "16910"]));
        await Check(t => string.CompareOrdinal(t.CreatedAt, "2025-07-10T09:00:00.000Z") >= 0, new RangeFilter(TicketField.CreatedAt, "2025-07-10T09:00:00.000Z", null));
        await Check(t => string.CompareOrdinal(t.CreatedAt, "2025-07-10T09:00:00.000Z") < 0, new RangeFilter(TicketField.CreatedAt, null, "2025-07-10T09:00:00.000Z"));
        await Check(t => t.Summary.Contains("laptop", StringComparison.OrdinalIgnoreCase), new ContainsTextFilter([TicketField.Summary, TicketField.ObjectId], "LapTop"));
        await Check(t => t.ObjectId == "CTC-0004", new ContainsTextFilter([TicketField.Summary, TicketField.ObjectId], "ctc-0004"));
        await Check(t => t.LookupProps.TeamId == "james" && t.Summary.Contains("laptop", StringComparison.OrdinalIgnoreCase),
            new AnyOfFilter(TicketField.TeamId, ["james"]), new ContainsTextFilter([TicketField.Summary], "laptop"));
        await Check(_ => true, new AnyOfFilter(TicketField.SubmittedBy, ["user@example.com"]));
    }

    [Fact]
    public async Task A_replaced_ticket_moves_in_the_updated_at_order_and_is_listed_once_as_it_is_now()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var tickets = await PutListingTicketsAsync(store, tenant);
        var current = (await store.GetTicketAsync(tenant, "CTC-0001", default))!;
        var updated = current with { Summary = "Renamed", UpdatedAt = "2025-08-01T00:00:00.000Z", Etag = Guid.NewGuid().ToString(), Version = 2 };
        await store.ReplaceTicketAsync(updated, current.Etag, default);
        tickets[0] = updated;

        var byUpdated = await WalkAsync(store, new TicketListQuery(tenant, [], TicketSort.UpdatedAt, true, 2));
        Assert.Equal(Ordered(tickets, true, t => t.UpdatedAt), byUpdated);
        Assert.Equal("CTC-0001", byUpdated[0]);
        var page = await store.ListTicketsAsync(new TicketListQuery(tenant, [new ContainsTextFilter([TicketField.Summary], "renamed")], TicketSort.CreatedAt, true, 10), default);
        Assert.Equal("Renamed", Assert.Single(page.Tickets).Summary);
        Assert.Empty(page.Tickets[0].History);
        Assert.Empty((await store.ListTicketsAsync(new TicketListQuery(tenant, [new ContainsTextFilter([TicketField.Summary], "new laptop")], TicketSort.CreatedAt, true, 10), default)).Tickets);
    }

    [Fact]
    public async Task Without_data_a_listing_answers_each_ticket_with_an_empty_data_and_everything_else_as_stored()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var tickets = await PutListingTicketsAsync(store, tenant);
        var query = new TicketListQuery(tenant, [], TicketSort.CreatedAt, true, 10);

        var with = (await store.ListTicketsAsync(query, default)).Tickets;
        var without = (await store.ListTicketsAsync(query with { IncludeData = false }, default)).Tickets;

        Assert.All(with, t => Assert.Equal("23629", (string?)t.Data["offerId"]));
        Assert.All(without, t => Assert.Empty(t.Data));
        Assert.Equal(with.Select(t => t with { Data = [] }).Select(Json), without.Select(Json));
        Assert.Equal(tickets.Count, without.Count);
    }

    private static string Json(Ticket ticket) => System.Text.Json.JsonSerializer.Serialize(ticket, TicketingFunctions.Api.ApiJsonContext.Default.Ticket);
}
