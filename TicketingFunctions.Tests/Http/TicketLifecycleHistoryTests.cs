using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Storage;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

/// <summary>GET /api/v2/ticketing/ticket/{objectId}/history: one entry per write, the creation first, the cap and the archive.</summary>
public sealed class TicketLifecycleHistoryOnEmbeddedStore() : TicketLifecycleHistoryTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class TicketLifecycleHistoryOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : TicketLifecycleHistoryTests(new CosmosHosts(emulator));

public abstract partial class TicketLifecycleHistoryTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoMillis();

    private static async Task<JsonElement[]> HistoryAsync(TestApi api, string objectId)
    {
        var response = await api.GetHistoryAsync(objectId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.True(json.GetProperty("success").GetBoolean());
        Assert.Equal(200, json.GetProperty("status").GetInt32());
        Assert.Equal(objectId, json.GetProperty("objectId").GetString());
        return json.GetProperty("history").EnumerateArray().ToArray();
    }

    private static string Change(JsonElement entry, string key, string side) => entry.GetProperty("changes").GetProperty(key).GetProperty(side).GetRawText();

    [Fact]
    public async Task The_creation_is_the_first_entry_with_every_value_it_was_created_with()
    {
        var ticket = await Api.CreateTicketAsync(token: Api.Token(username: "creator", email: "creator@example.com"));

        var entry = Assert.Single(await HistoryAsync(Api, ticket.GetProperty("object_id").GetString()!));

        Assert.Equal(1, entry.GetProperty("version").GetInt32());
        Assert.Equal("created", entry.GetProperty("action").GetString());
        Assert.Equal("creator", entry.GetProperty("username").GetString());
        Assert.Equal(ticket.GetProperty("created_at").GetString(), entry.GetProperty("timestamp").GetString());
        Assert.Equal(
            ["summary", Bodies.TitleField, Bodies.DescriptionField, Bodies.NeededWithinField, "offerId"],
            entry.GetProperty("changes").EnumerateObject().Select(p => p.Name));
        Assert.Equal("null", Change(entry, "summary", "old"));
        Assert.Equal("\"Hardware request - new laptop\"", Change(entry, "summary", "new"));
        Assert.Equal("\"<2week\"", Change(entry, Bodies.NeededWithinField, "new"));
        Assert.Equal("\"23629\"", Change(entry, "offerId", "new"));
    }

    [Fact]
    public async Task Each_write_adds_one_entry_with_who_when_version_and_old_and_new_values()
    {
        var created = await Api.CreateTicketAsync();
        var objectId = created.GetProperty("object_id").GetString()!;
        var first = await (await Api.PatchAsync(objectId, Patch(created.GetProperty("etag").GetString(), $$"""
            "summary":"Laptop + dock","ticketBody":{"{{Bodies.NeededWithinField}}":">1month","{{Bodies.DescriptionField}}":null}
            """), Api.Token(username: "agent.one"))).JsonAsync();
        var second = await (await Api.PatchAsync(objectId, $$"""{"ticketBody":{"{{Bodies.DescriptionField}}":"<p>back</p>"} }""",
            Api.Token(username: "agent.two"), ifMatch: first.GetProperty("ticket").GetProperty("etag").GetString())).JsonAsync();

        var history = await HistoryAsync(Api, objectId);

        Assert.Equal([1, 2, 3], history.Select(e => e.GetProperty("version").GetInt32()));
        Assert.Equal(["created", "updated", "updated"], history.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(["user@example.com", "agent.one", "agent.two"], history.Select(e => e.GetProperty("username").GetString()));
        Assert.All(history, e => Assert.Matches(IsoMillis(), e.GetProperty("timestamp").GetString()));
        Assert.Equal(first.GetProperty("ticket").GetProperty("updated_at").GetString(), history[1].GetProperty("timestamp").GetString());
        Assert.Equal(second.GetProperty("ticket").GetProperty("updated_at").GetString(), history[2].GetProperty("timestamp").GetString());

        // Only the keys that changed, each with its old and new value; a cleared field's new value is null.
        Assert.Equal(["summary", Bodies.NeededWithinField, Bodies.DescriptionField], history[1].GetProperty("changes").EnumerateObject().Select(p => p.Name));
        Assert.Equal("\"Hardware request - new laptop\"", Change(history[1], "summary", "old"));
        Assert.Equal("\"Laptop + dock\"", Change(history[1], "summary", "new"));
        Assert.Equal("\"<2week\"", Change(history[1], Bodies.NeededWithinField, "old"));
        Assert.Equal("\">1month\"", Change(history[1], Bodies.NeededWithinField, "new"));
        Assert.Equal("\"<p>Current laptop battery no longer holds charge.</p>\"", Change(history[1], Bodies.DescriptionField, "old"));
        Assert.Equal("null", Change(history[1], Bodies.DescriptionField, "new"));
        Assert.Equal([Bodies.DescriptionField], history[2].GetProperty("changes").EnumerateObject().Select(p => p.Name));
        Assert.Equal("null", Change(history[2], Bodies.DescriptionField, "old"));
        Assert.Equal("\"<p>back</p>\"", Change(history[2], Bodies.DescriptionField, "new"));
    }

    [Fact]
    public async Task Refused_and_empty_updates_add_no_entry()
    {
        var created = await Api.CreateTicketAsync();
        var objectId = created.GetProperty("object_id").GetString()!;
        var etag = created.GetProperty("etag").GetString();

        await Api.PatchAsync(objectId, Patch(etag, "\"summary\":\"\""));                        // 400
        await Api.PatchAsync(objectId, Patch(Guid.NewGuid().ToString(), "\"summary\":\"x\"")); // 412
        await Api.PatchAsync(objectId, """{"summary":"x"}""");                                 // 428
        var same = await Api.PatchAsync(objectId, Patch(etag, "\"summary\":\"Hardware request - new laptop\"")); // no change

        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Single(await HistoryAsync(Api, objectId));
    }

    [Fact]
    public async Task History_follows_the_read_rules()
    {
        var objectId = (await Api.CreateTicketAsync()).GetProperty("object_id").GetString()!;

        var reader = await Api.GetHistoryAsync(objectId, Api.Token(scope: "tickets:read"));
        var noScope = await Api.GetHistoryAsync(objectId, Api.Token(scope: "profile"));
        var otherTeam = await Api.GetHistoryAsync(objectId, Api.Token(teams: "facilities"));
        var missing = await Api.GetHistoryAsync("CTC-9999");
        var noToken = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, HistoryPath(objectId)));

        Assert.Equal(HttpStatusCode.OK, reader.StatusCode);
        Assert.Equal(
            """{"error":true,"code":"USER_PERMISSION_FAILURE","message":"You do not have the required permissions to read ticket history","status":401}""",
            await noScope.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, otherTeam.StatusCode);
        Assert.Equal(TicketNotFoundBody, await missing.Content.ReadAsStringAsync());
        await AssertError(noToken, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task Past_the_cap_the_oldest_entries_move_to_the_archive_and_the_history_stays_whole()
    {
        await using var api = await hosts.StartAsync(settings => settings["TicketHistory:MaxEmbeddedEntries"] = "6");
        var created = await api.CreateTicketAsync();
        var objectId = created.GetProperty("object_id").GetString()!;
        var etag = created.GetProperty("etag").GetString()!;
        var store = api.Services.GetRequiredService<ITicketStore>();
        var embeddedCounts = new List<int>();

        for (var i = 1; i <= 14; i++)
        {
            var response = await api.PatchAsync(objectId, Patch(etag, $"\"summary\":\"revision {i}\""));
            etag = (await response.JsonAsync()).GetProperty("ticket").GetProperty("etag").GetString()!;
            embeddedCounts.Add((await store.GetTicketAsync(TestApi.Tenant, objectId, default))!.History.Count);
        }

        // Cap 6: the 7th entry moves the oldest four out at once (down to half the cap), and so on.
        Assert.Equal([2, 3, 4, 5, 6, 3, 4, 5, 6, 3, 4, 5, 6, 3], embeddedCounts);
        var stored = (await store.GetTicketAsync(TestApi.Tenant, objectId, default))!;
        var archive = await store.GetHistoryArchiveAsync(TestApi.Tenant, stored.Id, 0, int.MaxValue, default);
        Assert.Equal(Enumerable.Range(1, 12), archive.Select(e => e.Version));
        Assert.Equal([13, 14, 15], stored.History.Select(e => e.Version));

        var history = await HistoryAsync(api, objectId);
        Assert.Equal(Enumerable.Range(1, 15), history.Select(e => e.GetProperty("version").GetInt32()));
        Assert.Equal("created", history[0].GetProperty("action").GetString());
        for (var i = 1; i < 15; i++)
            Assert.Equal($"\"revision {i}\"", Change(history[i], "summary", "new"));
        Assert.Equal("\"revision 13\"", Change(history[14], "summary", "old"));
    }

    [Fact]
    public async Task With_the_default_cap_of_fifty_sixty_writes_keep_at_most_fifty_entries_on_the_ticket()
    {
        await using var api = await hosts.StartAsync();
        var created = await api.CreateTicketAsync();
        var objectId = created.GetProperty("object_id").GetString()!;
        var etag = created.GetProperty("etag").GetString()!;
        var store = api.Services.GetRequiredService<ITicketStore>();
        var largest = 0;

        for (var i = 1; i <= 60; i++)
        {
            var response = await api.PatchAsync(objectId, Patch(etag, $"\"summary\":\"revision {i}\""));
            etag = (await response.JsonAsync()).GetProperty("ticket").GetProperty("etag").GetString()!;
            largest = Math.Max(largest, (await store.GetTicketAsync(TestApi.Tenant, objectId, default))!.History.Count);
        }

        Assert.Equal(50, largest);
        // Pages of 50 by default: the first ends with a cursor, the second is the last.
        var first = await (await api.GetHistoryAsync(objectId)).JsonAsync();
        var second = await (await api.Client.SendAsync(api.Request(HttpMethod.Get, HistoryPath(objectId) + "?after=50", api.Token()))).JsonAsync();
        Assert.Equal(Enumerable.Range(1, 50), first.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("version").GetInt32()));
        Assert.Equal(50, first.GetProperty("nextAfter").GetInt32());
        Assert.Equal(Enumerable.Range(51, 11), second.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("version").GetInt32()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextAfter").ValueKind);
    }

    private static async Task<JsonElement> PageAsync(TestApi api, string objectId, string query)
    {
        var response = await api.Client.SendAsync(api.Request(HttpMethod.Get, HistoryPath(objectId) + query, api.Token()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static int[] Versions(JsonElement page) => [.. page.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("version").GetInt32())];

    private static int? NextAfter(JsonElement page) =>
        page.GetProperty("nextAfter").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextAfter").GetInt32();

    [Fact]
    public async Task Pages_follow_the_cursor_through_the_archive_and_the_ticket_to_the_end()
    {
        await using var api = await hosts.StartAsync(settings => settings["TicketHistory:MaxEmbeddedEntries"] = "6");
        var created = await api.CreateTicketAsync();
        var objectId = created.GetProperty("object_id").GetString()!;
        var etag = created.GetProperty("etag").GetString()!;
        for (var i = 1; i <= 14; i++)
            etag = (await (await api.PatchAsync(objectId, Patch(etag, $"\"summary\":\"revision {i}\""))).JsonAsync()).GetProperty("ticket").GetProperty("etag").GetString()!;

        var pages = new List<int[]>();
        var cursors = new List<int?>();
        string query = "?limit=4";
        while (true)
        {
            var page = await PageAsync(api, objectId, query);
            pages.Add(Versions(page));
            cursors.Add(NextAfter(page));
            if (NextAfter(page) is not { } next) break;
            query = $"?after={next}&limit=4";
        }

        // Versions 1..12 are archived, 13..15 on the ticket: pages cross both without a gap or a repeat.
        Assert.Equal([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15]], pages);
        Assert.Equal([4, 8, 12, null], cursors);
        var middle = await PageAsync(api, objectId, "?after=10&limit=3");
        Assert.Equal([11, 12, 13], Versions(middle));
        Assert.Empty(Versions(await PageAsync(api, objectId, "?after=15")));
        Assert.Null(NextAfter(await PageAsync(api, objectId, "?after=99")));
        Assert.Equal(Enumerable.Range(1, 15), Versions(await PageAsync(api, objectId, "?limit=200")));
    }

    [Fact]
    public async Task A_page_is_bounded_in_bytes_as_well_as_in_entries_but_holds_at_least_one_entry()
    {
        await using var api = await hosts.StartAsync(settings => settings["TicketHistory:MaxPageBytes"] = "40000");
        var created = await api.CreateTicketAsync();
        var objectId = created.GetProperty("object_id").GetString()!;
        var etag = created.GetProperty("etag").GetString()!;
        for (var i = 1; i <= 4; i++)
            etag = (await (await api.PatchAsync(objectId, Patch(etag, $$"""  "ticketBody":{"{{Bodies.DescriptionField}}":"<p>{{new string((char)('a' + i), 12_000)}}</p>"}  """)))
                .JsonAsync()).GetProperty("ticket").GetProperty("etag").GetString()!;

        // The first update's entry carries ~12 KB (the new description), each later one ~24 KB (old and new):
        // 40 000 characters hold the creation and two updates, then one update per page.
        var first = await PageAsync(api, objectId, "");
        Assert.Equal([1, 2, 3], Versions(first));
        var next = await PageAsync(api, objectId, $"?after={NextAfter(first)}");
        Assert.Equal([4], Versions(next));
        Assert.Equal(4, NextAfter(next));
        var last = await PageAsync(api, objectId, "?after=4");
        Assert.Equal([5], Versions(last));

        await using var tight = await hosts.StartAsync(settings => settings["TicketHistory:MaxPageBytes"] = "10");
        var small = await tight.CreateTicketAsync();
        var one = await PageAsync(tight, small.GetProperty("object_id").GetString()!, "");
        Assert.Equal([1], Versions(one));
    }

    [Theory]
    [InlineData("?limit=0", "limit", "Query parameter limit must be a whole number from 1 to 200")]
    [InlineData("?limit=201", "limit", "Query parameter limit must be a whole number from 1 to 200")]
    [InlineData("?limit=ten", "limit", "Query parameter limit must be a whole number from 1 to 200")]
    [InlineData("?limit=-5", "limit", "Query parameter limit must be a whole number from 1 to 200")]
    [InlineData("?after=-1", "after", "Query parameter after must be a version number (0 or more)")]
    [InlineData("?after=v3", "after", "Query parameter after must be a version number (0 or more)")]
    public async Task A_malformed_limit_or_after_is_a_400_keyed_by_the_parameter(string query, string key, string message)
    {
        var objectId = (await Api.CreateTicketAsync()).GetProperty("object_id").GetString()!;
        var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, HistoryPath(objectId) + query, Api.Token()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal([key], json.ReasonKeys());
        Assert.Equal([message], json.Reasons(key));
    }
}
