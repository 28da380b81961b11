using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tests.Http;
using static TicketingFunctions.Tests.Http.AttachmentApi;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;
using static TicketingFunctions.Tests.Http.CommentApi;

namespace TicketingFunctions.Tests.Events;

public sealed class EventFeedHttpOnEmbeddedStore() : EventFeedHttpTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class EventFeedHttpOnCosmos(CosmosEmulatorFixture emulator) : EventFeedHttpTests(new CosmosHosts(emulator));

/// <summary>GET /api/v2/ticketing/events over the standalone host: bodies, who may read it, paging and cursors, filters.</summary>
public abstract class EventFeedHttpTests(IApiHosts hosts) : IAsyncLifetime
{
    public const string FeedPath = "/api/v2/ticketing/events";

    private TestApi Api { get; set; } = null!;
    // The events' timer pass is left out: these tests read exactly what their writes yield.
    public async Task InitializeAsync() => Api = await hosts.StartAsync(settings =>
    {
        settings["Events:MaintenanceIntervalSeconds"] = "0";
        TicketMoveApi.WithMoveCatalog(settings);
    });
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private string Admin => Api.Token(roles: "tenant_admin");
    private string Agent => Api.Token(roles: "ticket_agent", username: "agent.smith");

    private async Task<HttpResponseMessage> FeedAsync(string query = "", string? token = null)
    {
        // On Cosmos DB the events are handed over just after the write: wait for that, deterministically.
        if (Api.Services.GetRequiredService<ITicketEventStore>() is CosmosTicketStore cosmos) await cosmos.DrainPublisherAsync();
        return await Api.Client.SendAsync(Api.Request(HttpMethod.Get, FeedPath + query, token ?? Admin));
    }

    private async Task<JsonElement> PageAsync(string query = "", string? token = null)
    {
        var response = await FeedAsync(query, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    /// <summary>Every event the feed serves from the start, following cursors, with the given filters.</summary>
    private async Task<List<JsonElement>> AllAsync(string filters = "", int pageSize = 2)
    {
        var all = new List<JsonElement>();
        var cursor = "";
        for (var pages = 0; pages < 200; pages++)
        {
            var page = await PageAsync($"?pageSize={pageSize}{filters}{cursor}");
            all.AddRange(page.GetProperty("events").EnumerateArray());
            cursor = "&after=" + page.GetProperty("cursor").GetString();
            if (!page.GetProperty("hasMore").GetBoolean()) return all;
        }
        throw new InvalidOperationException("The feed did not end.");
    }

    private static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    [Fact]
    public async Task Each_write_yields_its_cloud_events_with_the_ticket_as_a_read_answers_it()
    {
        var ticket = await Api.CreateTicketAsync();
        var read = await TicketOf(await Api.GetTicketAsync(ticket.ObjectId(), Agent));
        var updated = await TicketOf(await Api.PatchAsync(ticket.ObjectId(),
            Patch(read.Etag(), "\"summary\":\"Laptop is on fire\",\"status_type\":\"In Progress\",\"assignee\":{\"username\":\"agent.smith\"}"), Agent));
        await TicketOf(await Api.DeleteTicketAsync(ticket.ObjectId(), Quote(updated.Etag()), Admin));

        var events = await AllAsync();
        Assert.Equal(["ticket.created", "ticket.updated", "ticket.status_changed", "ticket.assigned", "ticket.deleted"], events.Select(Type));
        var created = events[0];
        Assert.Equal(("1.0", "/api/v2/ticketing", ticket.ObjectId(), TestApi.Tenant, 1, "application/json"),
            (created.GetProperty("specversion").GetString(), created.GetProperty("source").GetString(), created.GetProperty("subject").GetString(),
             created.GetProperty("tenant").GetString(), created.GetProperty("sequence").GetInt32(), created.GetProperty("datacontenttype").GetString()));
        Assert.Equal($"{ticket.GetProperty("id").GetString()}-v1-ticket.created", created.GetProperty("id").GetString());
        Assert.Equal(ticket.GetProperty("created_at").GetString(), created.GetProperty("time").GetString());
        var data = created.GetProperty("data");
        Assert.Equal(ticket.Etag(), data.GetProperty("ticket").Etag());
        Assert.False(data.GetProperty("ticket").TryGetProperty("data", out _), "no ticket data unless includeData=true");
        Assert.False(data.TryGetProperty("changes", out _));

        var update = events[1].GetProperty("data");
        Assert.Equal(2, events[1].GetProperty("sequence").GetInt32());
        Assert.Equal("Laptop is on fire", update.GetProperty("ticket").GetProperty("summary").GetString());
        var changes = update.GetProperty("changes");
        Assert.Equal(("Open", "In Progress"), (changes.GetProperty("status_type").GetProperty("old").GetString(), changes.GetProperty("status_type").GetProperty("new").GetString()));
        Assert.Equal("Laptop is on fire", changes.GetProperty("summary").GetProperty("new").GetString());
        Assert.All(events.Skip(1).Take(3), e => Assert.Equal(2, e.GetProperty("sequence").GetInt32()));
        Assert.Equal((3, 1L), (events[4].GetProperty("sequence").GetInt32(), events[4].GetProperty("data").GetProperty("ticket").GetProperty("deleted_seq").GetInt64()));

        // Read again: the same events, the same ids (a consumer deduplicates on them).
        Assert.Equal(events.Select(e => e.GetProperty("id").GetString()), (await AllAsync(pageSize: 50)).Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Moves_yield_ticket_moved_with_both_tickets_and_only_public_comments_yield_comment_created()
    {
        var agent = TicketMoveApi.AgentToken(Api);
        var ticket = await Api.CreateTicketAsync(Bodies.ContractExample, agent);
        var oldId = ticket.ObjectId();
        Assert.Equal(HttpStatusCode.OK, (await Api.CommentAsync(oldId, CommentBody("<p>Looking into it</p>"), agent)).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await Api.CommentAsync(oldId, CommentBody("<p>Gateway certificate expired @agent.jones</p>", "internal"), agent)).StatusCode);
        var toTeam = await TicketOf(await Api.MoveAsync(oldId, TicketMoveApi.MoveBody("facilities", etag: ticket.Etag()), agent));
        var successor = await TicketOf(await Api.MoveAsync(oldId, TicketMoveApi.MoveBody("facilities", TicketMoveApi.IncidentType, toTeam.Etag()), agent));

        // Per ticket in feed order (two tickets' events may interleave either way on Cosmos DB, published apart).
        var all = (await AllAsync(pageSize: 50)).OrderBy(e => e.GetProperty("subject").GetString() == successor.ObjectId()).ToList();
        Assert.Equal([("ticket.created", oldId), ("comment.created", oldId), ("ticket.moved", oldId), ("ticket.moved", successor.ObjectId())],
            all.Select(e => (Type(e), e.GetProperty("subject").GetString())));
        // The internal note is told nowhere: no event, no text, not even the watcher its mention added as a change.
        Assert.All(all, e => Assert.DoesNotContain("Gateway", e.GetRawText(), StringComparison.Ordinal));
        var comment = all[1].GetProperty("data").GetProperty("comment");
        Assert.Equal(("<p>Looking into it</p>", "user@example.com", 1),
            (comment.GetProperty("body").GetString(), comment.GetProperty("author").GetString(), all[1].GetProperty("sequence").GetInt32()));
        Assert.Equal(1, all[1].GetProperty("data").GetProperty("ticket").GetProperty("comment_count").GetInt32());

        static (string?, string?, string?, string?) Place(JsonElement p) => (p.GetProperty("ticket_id").GetString(), p.GetProperty("object_id").GetString(),
            p.GetProperty("teamId").GetString(), p.GetProperty("itemTypeId").GetString());
        var (id, successorId) = (ticket.GetProperty("id").GetString(), successor.GetProperty("id").GetString());
        var withinType = all[2].GetProperty("data").GetProperty("move");
        Assert.Equal((id, oldId, "james", TicketMoveApi.HardwareRequest), Place(withinType.GetProperty("from")));
        Assert.Equal((id, oldId, "facilities", TicketMoveApi.HardwareRequest), Place(withinType.GetProperty("to")));
        var toType = all[3].GetProperty("data").GetProperty("move");
        Assert.Equal((id, oldId, "facilities", TicketMoveApi.HardwareRequest), Place(toType.GetProperty("from")));
        Assert.Equal((successorId, successor.ObjectId(), "facilities", TicketMoveApi.IncidentType), Place(toType.GetProperty("to")));
        Assert.Equal((3, $"{successorId}-v3-ticket.moved"), (all[3].GetProperty("sequence").GetInt32(), all[3].GetProperty("id").GetString()));
        Assert.Equal(["ticket.moved", "ticket.moved"], (await AllAsync("&types=ticket.moved")).Select(Type));
        Assert.Equal(["comment.created"], (await AllAsync("&types=comment.created")).Select(Type));
    }

    [Fact]
    public async Task Include_data_adds_the_ticket_s_data()
    {
        await Api.CreateTicketAsync();
        var e = (await PageAsync("?includeData=true")).GetProperty("events")[0];
        Assert.Equal(JsonValueKind.Object, e.GetProperty("data").GetProperty("ticket").GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task Only_tenant_admins_may_read_the_feed_others_get_403_in_the_contract_s_shape()
    {
        await Api.CreateTicketAsync();
        foreach (var token in new[] { Api.Token(), Agent })
            await AssertError(await FeedAsync(token: token), HttpStatusCode.Forbidden, "FORBIDDEN", "Only a tenant admin or a mapped application may read the event feed");
        // The scope comes first, as for every operation: 401.
        await AssertError(await FeedAsync(token: Api.Token(roles: "tenant_admin", scope: "openid")), HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE");
        Assert.Equal(HttpStatusCode.OK, (await FeedAsync(token: Api.Token(roles: "tenant_admin", scope: "tickets:read"))).StatusCode);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_without_repeats_and_a_cursor_resumes_after_new_writes()
    {
        for (var i = 0; i < 5; i++) await Api.CreateTicketAsync();
        var first = await AllAsync(pageSize: 2);
        Assert.Equal(5, first.Count);
        Assert.Equal(5, first.Select(e => e.GetProperty("id").GetString()).Distinct().Count());

        var end = (await PageAsync("?pageSize=200")).GetProperty("cursor").GetString();
        var later = await Api.CreateTicketAsync();
        var next = await PageAsync($"?after={end}");
        Assert.Equal([later.ObjectId()], next.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("subject").GetString()));
        Assert.False(next.GetProperty("hasMore").GetBoolean());
        // Nothing new: the same cursor comes back, and an empty page.
        var idle = await PageAsync($"?after={next.GetProperty("cursor").GetString()}");
        Assert.Empty(idle.GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task A_cursor_is_bound_to_the_filters_and_refused_when_altered()
    {
        await Api.CreateTicketAsync();
        var cursor = (await PageAsync("?types=ticket.created")).GetProperty("cursor").GetString()!;
        var tampered = cursor[..^2] + (cursor[^2] == 'A' ? "B" : "A") + cursor[^1];
        const string message = "Query parameter after is not a cursor of this feed (same tenant, types and teams)";

        foreach (var response in new[]
                 {
                     await FeedAsync($"?after={cursor}"),
                     await FeedAsync($"?after={cursor}&types=ticket.updated"),
                     await FeedAsync($"?after={tampered}&types=ticket.created"),
                 })
        {
            await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
            Assert.Equal([message], (await response.JsonAsync()).Reasons("after"));
        }
        Assert.Equal(HttpStatusCode.OK, (await FeedAsync($"?after={cursor}&types=ticket.created")).StatusCode);
    }

    [Fact]
    public async Task Types_and_teams_filter_the_events()
    {
        var ticket = await Api.CreateTicketAsync();
        var read = await TicketOf(await Api.GetTicketAsync(ticket.ObjectId(), Agent));
        await TicketOf(await Api.PatchAsync(ticket.ObjectId(), Patch(read.Etag(), "\"status_type\":\"In Progress\""), Agent));

        Assert.Equal(["ticket.status_changed"], (await AllAsync("&types=ticket.status_changed")).Select(Type));
        Assert.Equal(["ticket.created", "ticket.status_changed"], (await AllAsync("&types=ticket.status_changed,ticket.created")).Select(Type));
        Assert.Equal(3, (await AllAsync("&teamId=james")).Count);
        Assert.Empty(await AllAsync("&teamId=facilities"));
    }

    [Fact]
    public async Task A_disabled_webhook_is_an_event_of_the_feed_without_a_ticket_and_types_selects_it()
    {
        await Api.CreateTicketAsync();
        await FeedAsync();   // the ticket's event in the feed first (on Cosmos DB it is handed over just after the write)
        var subscription = "wh_" + Guid.NewGuid().ToString("N");
        var disabled = TicketingFunctions.Tickets.Events.TicketEvent.WebhookDisabled(TestApi.Tenant, subscription, "https://hooks.example.com/x",
            "2026-12-01T00:00:00.000Z", "2026-12-06T00:00:01.000Z");
        Assert.True(await Api.Services.GetRequiredService<ITicketEventStore>().AppendEventAsync(disabled, default));

        Assert.Equal(["ticket.created", "webhook.disabled"], (await AllAsync()).Select(Type));
        var told = Assert.Single(await AllAsync("&types=webhook.disabled"));
        Assert.Equal((disabled.Id, subscription, "2026-12-06T00:00:01.000Z", TestApi.Tenant), (told.GetProperty("id").GetString(),
            told.GetProperty("subject").GetString(), told.GetProperty("time").GetString(), told.GetProperty("tenant").GetString()));
        var data = told.GetProperty("data");
        Assert.False(data.TryGetProperty("ticket", out _));
        var named = data.GetProperty("subscription");
        Assert.Equal((subscription, "https://hooks.example.com/x", "2026-12-01T00:00:00.000Z", "2026-12-06T00:00:01.000Z"),
            (named.GetProperty("id").GetString(), named.GetProperty("url").GetString(), named.GetProperty("failing_since").GetString(),
             named.GetProperty("disabled_at").GetString()));
        Assert.Empty(await AllAsync("&teamId=james&types=webhook.disabled"));
    }

    [Fact]
    public async Task Bad_parameters_are_400_keyed_by_their_name()
    {
        var response = await FeedAsync("?types=ticket.exploded&pageSize=0&includeData=maybe&cursor=x");
        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        var error = await response.JsonAsync();
        Assert.Equal(["cursor", "includeData", "pageSize", "types"], error.ReasonKeys().Order());
    }
}
