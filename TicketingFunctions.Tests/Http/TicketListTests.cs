using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Tickets;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

/// <summary>GET /api/v2/ticketing/ticket/list: shape, order, filters, parameter checks and paging, on each store.</summary>
public sealed class TicketListOnEmbeddedStore() : TicketListTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class TicketListOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : TicketListTests(new CosmosHosts(emulator));

public abstract class TicketListTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private string Admin => Api.Token(roles: "tenant_admin", teams: "");

    private static IEnumerable<string> Expected(IEnumerable<Ticket> tickets, Func<Ticket, bool> filter, bool descending = true, bool byUpdated = false)
    {
        var ordered = tickets.Where(filter).Select(t => (Key: byUpdated ? t.UpdatedAt : t.CreatedAt, t.Id, t.ObjectId))
            .OrderBy(t => t.Key, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal).Select(t => t.ObjectId);
        return descending ? ordered.Reverse() : ordered;
    }

    // --- the route and the shape ---

    [Fact]
    public async Task The_literal_list_route_answers_the_listing_not_the_ticket_read()
    {
        var response = await Api.ListAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"success":true,"status":200,"tickets":[],"continuationToken":null}""", await response.Content.ReadAsStringAsync());
        // The read still answers for display ids, including ones that start like the literal.
        Assert.Equal(TicketNotFoundBody, await (await Api.GetTicketAsync("list-0001")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Each_item_is_the_read_answer_without_data_unless_include_data()
    {
        var objectId = (await Api.CreateTicketAsync()).GetProperty("object_id").GetString()!;
        var read = JsonNode.Parse((await (await Api.GetTicketAsync(objectId)).JsonAsync()).GetProperty("ticket").GetRawText())!.AsObject();

        var (plain, _) = await Api.PageAsync();
        var (withData, _) = await Api.PageAsync("include=data");

        var withoutData = read.DeepClone().AsObject();
        withoutData.Remove("data");
        Assert.True(JsonNode.DeepEquals(withoutData, JsonNode.Parse(Assert.Single(plain).GetRawText())), Assert.Single(plain).GetRawText());
        Assert.True(JsonNode.DeepEquals(read, JsonNode.Parse(Assert.Single(withData).GetRawText())), Assert.Single(withData).GetRawText());
        Assert.False(plain[0].TryGetProperty("change_history", out _));
    }

    // --- order ---

    [Fact]
    public async Task The_order_is_total_newest_first_by_default_with_ties_broken_by_id_in_the_same_direction()
    {
        string[] times = ["2025-07-10T12:00:00.000Z", "2025-07-11T08:00:00.000Z", "2025-07-10T12:00:00.000Z", "2025-07-09T00:00:00.001Z", "2025-07-11T08:00:00.000Z"];
        var tickets = new List<Ticket>();
        foreach (var (time, i) in times.Select((t, i) => (t, i)))
            tickets.Add(await Api.PutTicketAsync(TestApi.Tenant, "CTC", "james", "16910", createdAt: time, updatedAt: times[^(i + 1)]));

        Assert.Equal(Expected(tickets, _ => true), (await Api.WalkAsync("pageSize=2", Admin)).ObjectIds());
        Assert.Equal(Expected(tickets, _ => true), (await Api.WalkAsync("sort=created_at&order=desc", Admin)).ObjectIds());
        Assert.Equal(Expected(tickets, _ => true, descending: false), (await Api.WalkAsync("order=asc&pageSize=3", Admin)).ObjectIds());
        Assert.Equal(Expected(tickets, _ => true, byUpdated: true), (await Api.WalkAsync("sort=updated_at&pageSize=2", Admin)).ObjectIds());
        Assert.Equal(Expected(tickets, _ => true, descending: false, byUpdated: true), (await Api.WalkAsync("sort=updated_at&order=asc&pageSize=1", Admin)).ObjectIds());
    }

    [Fact]
    public async Task An_update_moves_a_ticket_to_the_front_of_the_updated_at_order()
    {
        var first = (await Api.CreateTicketAsync()).GetProperty("object_id").GetString()!;
        var second = await Api.CreateTicketAsync();
        var created = (await Api.CreateTicketAsync()).GetProperty("object_id").GetString()!;
        var etag = (await (await Api.GetTicketAsync(first)).JsonAsync()).GetProperty("ticket").GetProperty("etag").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Api.PatchAsync(first, Patch(etag, "\"summary\":\"bumped\""))).StatusCode);

        var byUpdated = await Api.WalkAsync("sort=updated_at&pageSize=2");

        Assert.Equal(first, byUpdated[0].GetProperty("object_id").GetString());
        Assert.Equal("bumped", byUpdated[0].GetProperty("summary").GetString());
        Assert.Equal(3, byUpdated.Count);
        Assert.Contains(created, byUpdated.ObjectIds());
        Assert.Contains(second.GetProperty("object_id").GetString(), byUpdated.ObjectIds());
    }

    // --- filters ---

    public static TheoryData<string> FilterQueries() =>
    [
        "teamId=facilities",
        "teamId=james&teamId=facilities",
        "itemTypeId=16911",
        "itemTypeId=16910&itemTypeId=16912&teamId=james",
        "status_type=Pending%20Approval",
        "status_category=Done%20Category",
        "submittedBy=me",
        "submittedBy=other%40example.com",
        "createdFrom=2025-07-10",
        "createdTo=2025-07-10T12:00:00.001Z",
        "createdFrom=2025-07-10T13:00:00%2B01:00&createdTo=2025-07-11",
        "updatedSince=2025-07-12T00:00:00Z",
        "q=LAPTOP",
        "q=pmt-00",
        "q=ctc-0001",
        "q=no%20such%20text",
        "teamId=james&status_type=Open&q=laptop&createdFrom=2025-07-09&sort=updated_at&order=asc",
    ];

    [Theory]
    [MemberData(nameof(FilterQueries))]
    public async Task Filters_combine_with_and_and_each_selects_exactly_its_tickets(string query)
    {
        var tickets = new List<Ticket>
        {
            await Api.PutTicketAsync(TestApi.Tenant, "CTC", "james", "16910", summary: "New Laptop", createdAt: "2025-07-09T23:59:59.999Z", updatedAt: "2025-07-12T10:00:00.000Z"),
            await Api.PutTicketAsync(TestApi.Tenant, "CTC", "james", "16910", summary: "Dock for the laptop", statusType: "Closed", statusCategory: "Done Category", createdAt: "2025-07-10T00:00:00.000Z"),
            await Api.PutTicketAsync(TestApi.Tenant, "REQ", "james", "16911", summary: "VPN down", submittedBy: "other@example.com", createdAt: "2025-07-10T12:00:00.000Z"),
            await Api.PutTicketAsync(TestApi.Tenant, "REQ", "facilities", "16911", summary: "Printer jam", createdAt: "2025-07-10T12:00:00.001Z", updatedAt: "2025-07-12T00:00:00.000Z"),
            await Api.PutTicketAsync(TestApi.Tenant, "PMT", "facilities", "16912", summary: "Pay the laptop vendor", statusType: "Pending Approval", submittedBy: "other@example.com", createdAt: "2025-07-11T00:00:00.000Z"),
            await Api.PutTicketAsync(TestApi.Tenant, "PMT", "james", "16912", summary: "Pay rent", statusType: "Pending Approval", createdAt: "2025-07-11T00:00:00.000Z"),
        };
        // Another tenant's tickets match the same filters and must never show.
        await Api.PutTicketAsync(TestApi.OtherTenant, "CTC", "james", "16910", summary: "New Laptop", createdAt: "2025-07-10T00:00:00.000Z");

        var parameters = System.Web.HttpUtility.ParseQueryString(query);
        bool Has(string name, string? value) => parameters.GetValues(name) is not { } values || values.Contains(value);
        bool Matches(Ticket t) =>
            Has("teamId", t.LookupProps.TeamId) && Has("itemTypeId", t.LookupProps.ItemTypeId)
            && Has("status_type", t.StatusType) && Has("status_category", t.StatusCategory)
            && Has("submittedBy", parameters["submittedBy"] == "me" && (string?)t.Data["submittedBy"] == "user@example.com" ? "me" : (string?)t.Data["submittedBy"])
            && (parameters["createdFrom"] is not { } from || string.CompareOrdinal(t.CreatedAt, Instant(from)) >= 0)
            && (parameters["createdTo"] is not { } to || string.CompareOrdinal(t.CreatedAt, Instant(to)) < 0)
            && (parameters["updatedSince"] is not { } since || string.CompareOrdinal(t.UpdatedAt, Instant(since)) >= 0)
            && (parameters["q"] is not { } q || t.Summary.Contains(q, StringComparison.OrdinalIgnoreCase) || t.ObjectId.Contains(q, StringComparison.OrdinalIgnoreCase));

        var listed = await Api.WalkAsync(TicketListApi.Join(query, "pageSize=2"), Api.Token(roles: "tenant_admin"));

        Assert.Equal(Expected(tickets, Matches, parameters["order"] != "asc", parameters["sort"] == "updated_at"), listed.ObjectIds());
    }

    private static string Instant(string text) => TicketFactory.Timestamp(DateTimeOffset.Parse(text.Length == 10 ? text + "T00:00:00Z" : text, System.Globalization.CultureInfo.InvariantCulture));

    // --- parameter checks ---

    public static TheoryData<string, string> MalformedQueries() => new()
    {
        { "pageSize=0", "pageSize" },
        { "pageSize=101", "pageSize" },
        { "pageSize=ten", "pageSize" },
        { "pageSize=%2B5", "pageSize" },
        { "pageSize=5&pageSize=6", "pageSize" },
        { "sort=summary", "sort" },
        { "order=newest", "order" },
        { "include=history", "include" },
        { "q=a", "q" },
        { "q=" + new string('x', 101), "q" },
        { "teamId=", "teamId" },
        { "teamId=" + new string('t', 257), "teamId" },
        { string.Join("&", Enumerable.Range(0, 51).Select(i => $"teamId=t{i}")), "teamId" },
        { "itemTypeId=%01", "itemTypeId" },
        { "status_type=Open&status_type=Closed", "status_type" },
        { "status_category=", "status_category" },
        { "submittedBy=", "submittedBy" },
        { "createdFrom=yesterday", "createdFrom" },
        { "createdFrom=2025-07-10T12:00:00", "createdFrom" },
        { "createdTo=10%2F07%2F2025", "createdTo" },
        { "createdFrom=2025-07-11&createdTo=2025-07-10", "createdTo" },
        { "updatedSince=2025-13-01", "updatedSince" },
        { "continuationToken=not%20a%20token", "continuationToken" },
        { "continuationToken=" + new string('A', 4097), "continuationToken" },
        { "teamid=james&statusType=Open", "statusType" },
    };

    [Theory]
    [MemberData(nameof(MalformedQueries))]
    public async Task A_malformed_parameter_gets_400_keyed_by_the_parameter(string query, string key)
    {
        var response = await Api.ListAsync(query);

        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE", "The request headers or query parameters are invalid");
        var reason = (await response.JsonAsync()).GetProperty("validationResult").GetProperty("reason");
        Assert.Equal([key], reason.EnumerateObject().Select(p => p.Name));
        Assert.All(reason.GetProperty(key).EnumerateArray(), m => Assert.Contains(key, m.GetString()));
    }

    [Fact]
    public async Task Checks_run_in_order_token_then_headers_and_query_then_tenant_then_permission_then_continuation_token()
    {
        await AssertError(await Api.Client.SendAsync(Api.Request(HttpMethod.Get, TicketListApi.ListPath + "?pageSize=0", token: null, tenantHeader: "x")),
            HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");

        var both = await (await Api.ListAsync("pageSize=0", tenantHeader: "not-a-uuid")).JsonAsync();
        Assert.Equal(["pageSize", "x-tenantid"], both.GetProperty("validationResult").GetProperty("reason").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        await AssertError(await Api.ListAsync("pageSize=0", tenantHeader: TestApi.OtherTenant), HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        await AssertError(await Api.ListAsync("", tenantHeader: TestApi.OtherTenant), HttpStatusCode.NotFound, "TENANT_NOT_FOUND", "Tenant not found");
        await AssertError(await Api.ListAsync("", Api.Token(scope: "openid"), tenantHeader: TestApi.OtherTenant), HttpStatusCode.NotFound, "TENANT_NOT_FOUND");
        await AssertError(await Api.ListAsync("continuationToken=AAAA", Api.Token(scope: "openid")), HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE",
            "You do not have the required permissions to list tickets");
        await AssertError(await Api.ListAsync("continuationToken=AAAA"), HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
    }

    [Fact]
    public async Task Either_scope_may_list()
    {
        await Api.CreateTicketAsync();
        Assert.Single((await Api.PageAsync("", Api.Token(scope: "tickets:read"))).Tickets);
        Assert.Single((await Api.PageAsync("", Api.Token(scope: "tickets:write"))).Tickets);
    }

    // --- the continuation token ---

    private async Task<string> SecondPageTokenAsync(string query, string? token = null, string tenant = TestApi.Tenant)
    {
        var (_, next) = await Api.PageAsync(TicketListApi.Join(query, "pageSize=1"), token, tenant);
        Assert.NotNull(next);
        return next;
    }

    private async Task AssertTokenRefused(string query, string? token = null, string tenant = TestApi.Tenant)
    {
        var response = await Api.ListAsync(query, token, tenant);
        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        Assert.Equal(["continuationToken"], (await response.JsonAsync()).GetProperty("validationResult").GetProperty("reason").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_token_is_only_good_for_the_same_filters_sort_and_order_but_page_size_and_include_may_change()
    {
        for (var i = 0; i < 4; i++) await Api.CreateTicketAsync();
        var token = await SecondPageTokenAsync("teamId=james&q=laptop");

        Assert.Equal(2, (await Api.PageAsync($"teamId=james&q=laptop&pageSize=2&include=data&continuationToken={token}")).Tickets.Count);
        Assert.Equal(3, (await Api.PageAsync($"q=laptop&teamId=james&pageSize=50&continuationToken={token}")).Tickets.Count);
        foreach (var other in new[] { "teamId=james", "teamId=james&q=laptops", "teamId=james&teamId=facilities&q=laptop", "teamId=james&q=laptop&order=asc",
                     "teamId=james&q=laptop&sort=updated_at", "teamId=james&q=laptop&status_type=Open", "q=laptop" })
            await AssertTokenRefused($"{other}&continuationToken={token}");
        // Visibility is part of the listing: the same filters by a caller who sees other teams are another listing.
        await AssertTokenRefused($"q=laptop&teamId=james&continuationToken={token}", Api.Token(teams: "james,facilities", roles: "tenant_admin"));
    }

    [Fact]
    public async Task A_token_changed_in_any_character_or_made_up_is_refused()
    {
        for (var i = 0; i < 3; i++) await Api.CreateTicketAsync();
        var token = await SecondPageTokenAsync("");

        for (var i = 0; i < token.Length; i++)
        {
            var changed = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            await AssertTokenRefused($"pageSize=1&continuationToken={changed}");
        }
        await AssertTokenRefused($"continuationToken={token[..^1]}");
        await AssertTokenRefused($"continuationToken={token}A");
        await AssertTokenRefused($"continuationToken={Convert.ToBase64String(new byte[40]).TrimEnd('=').Replace('+', '-').Replace('/', '_')}");
    }

    [Fact]
    public async Task Another_tenants_token_is_refused_and_never_opens_its_data()
    {
        var otherToken = Api.Token(tenant: TestApi.OtherTenant, teams: "ops");
        for (var i = 0; i < 3; i++)
            await Api.CreateTicketAsync(TicketLifecycleReadTests.OtherTenantBody, otherToken, TicketLifecycleReadTests.OtherTenantPath, TestApi.OtherTenant);
        for (var i = 0; i < 3; i++) await Api.CreateTicketAsync();
        var foreign = await SecondPageTokenAsync("", Api.Token(tenant: TestApi.OtherTenant, roles: "tenant_admin"), TestApi.OtherTenant);

        await AssertTokenRefused($"continuationToken={foreign}", Api.Token(roles: "tenant_admin"));
        await AssertTokenRefused($"continuationToken={foreign}", Api.Token(roles: "tenant_admin", teams: "ops"));
    }

    // --- visibility: exactly what a read would answer ---

    [Fact]
    public async Task The_union_of_all_pages_is_exactly_the_set_the_caller_may_read_one_by_one()
    {
        // Every team × type combination (a team and a type the catalog doesn't have among them), twice, plus another tenant's.
        var teams = new[] { "james", "facilities", "ghost-team" };
        var types = new[] { "16910", "16911", "16912", "99999" };
        var mine = new List<Ticket>();
        var minute = 0;
        foreach (var team in teams)
        foreach (var type in types)
        for (var copy = 0; copy < 2; copy++)
            mine.Add(await Api.PutTicketAsync(TestApi.Tenant, "T" + type, team, type, createdAt: $"2025-07-10T12:{minute++ % 60:D2}:00.000Z"));
        foreach (var team in new[] { "james", "ops" })
            await Api.PutTicketAsync(TestApi.OtherTenant, "OPS", team, "16910");

        var callers = new List<(string Name, string Token)>();
        foreach (var roles in new[] { "ticket_user", "ticket_agent", "tenant_admin", "uma_authorization", "ticket_user,ticket_agent" })
        foreach (var teamSet in new[] { "", "james", "facilities", "james,facilities", "ghost-team,ops" })
            callers.Add(($"roles [{roles}], teams [{teamSet}]", Api.Token(roles: roles, teams: teamSet, scope: "tickets:read")));

        foreach (var (name, token) in callers)
        {
            var readable = new HashSet<string>(StringComparer.Ordinal);
            foreach (var ticket in mine)
                if ((await Api.GetTicketAsync(ticket.ObjectId, token)).StatusCode == HttpStatusCode.OK) readable.Add(ticket.ObjectId);

            foreach (var query in new[] { "pageSize=3", "pageSize=1&teamId=james&teamId=ghost-team", "pageSize=4&itemTypeId=16912&itemTypeId=99999&order=asc" })
            {
                var listed = (await Api.WalkAsync(query, token)).ObjectIds().ToList();
                var parameters = System.Web.HttpUtility.ParseQueryString(query);
                var expected = readable.Where(id =>
                {
                    var t = mine.Single(m => m.ObjectId == id);
                    return (parameters.GetValues("teamId") is not { } ts || ts.Contains(t.LookupProps.TeamId))
                        && (parameters.GetValues("itemTypeId") is not { } its || its.Contains(t.LookupProps.ItemTypeId));
                }).Order(StringComparer.Ordinal).ToList();

                Assert.True(listed.Count == listed.Distinct().Count(), $"{name}, {query}: a ticket was listed twice: {string.Join(", ", listed)}");
                Assert.True(expected.SequenceEqual(listed.Order(StringComparer.Ordinal)),
                    $"{name}, {query}:\n  readable: {string.Join(", ", expected)}\n  listed:   {string.Join(", ", listed.Order(StringComparer.Ordinal))}");
            }
        }
    }

    // --- paging under concurrent writes ---

    [Theory]
    [InlineData("pageSize=4")]
    [InlineData("pageSize=3&order=asc")]
    [InlineData("pageSize=5&teamId=james&q=laptop")]
    public async Task Walking_the_pages_while_tickets_are_created_lists_every_earlier_ticket_exactly_once(string query)
    {
        var before = new List<string>();
        for (var i = 0; i < 24; i++) before.Add((await Api.CreateTicketAsync()).GetProperty("object_id").GetString()!);

        var created = new List<string>();
        var listed = await Api.WalkAsync(query, betweenPages: async page =>
        {
            // Other clients create tickets between two pages, three at a time in parallel, for the first pages (oldest
            // first, each page would otherwise find three new tickets at the end, and the walk would never end).
            if (page >= 6) return;
            var creates = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Api.CreateTicketAsync()));
            created.AddRange(creates.Select(c => c.GetProperty("object_id").GetString()!));
        });

        var ids = listed.ObjectIds().ToList();
        Assert.True(ids.Count == ids.Distinct().Count(), "a ticket was listed twice: " + string.Join(", ", ids));
        Assert.Empty(before.Except(ids));
        Assert.Empty(ids.Except(before).Except(created));
        Assert.NotEmpty(created);
    }
}
