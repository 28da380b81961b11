using System.Net;
using System.Text.Json;
using TicketingFunctions.Tests.Cosmos;
using static TicketingFunctions.Tests.Http.AttachmentApi;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;
using static TicketingFunctions.Tests.Http.TicketMoveApi;

namespace TicketingFunctions.Tests.Http;

public sealed class TicketMoveHttpOnEmbeddedStore() : TicketMoveHttpTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class TicketMoveHttpOnCosmos(CosmosEmulatorFixture emulator) : TicketMoveHttpTests(new CosmosHosts(emulator));

/// <summary>Issue 22, moving a ticket: to another team (same ticket), to another type (a successor and a tombstone).</summary>
public abstract class TicketMoveHttpTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync(settings =>
    {
        WithMoveCatalog(settings);
        settings["Attachments:MaxPendingUploads"] = "5";
    });
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private Task<JsonElement> CreateAsync(string body = Bodies.ContractExample) => Api.CreateTicketAsync(body, Api.AgentToken());

    private async Task<JsonElement> MovedAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var json = await response.JsonAsync();
        Assert.Equal("ticket moved successfully", json.GetProperty("message").GetString());
        Assert.Equal(json.GetProperty("ticket").ObjectId(), json.GetProperty("objectId").GetString());
        Assert.Equal(Quote(json.GetProperty("ticket").Etag()), response.ETagHeader());
        return json.GetProperty("ticket");
    }

    private async Task<JsonElement[]> HistoryAsync(string objectId)
    {
        var response = await Api.GetHistoryAsync(objectId, Api.AgentToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).GetProperty("history").EnumerateArray()];
    }

    private async Task<string[]> ListedAsync(string query = "")
    {
        var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, $"/api/v2/ticketing/ticket/list?pageSize=100{query}", Api.AgentToken()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).GetProperty("tickets").EnumerateArray().Select(t => t.ObjectId()).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task A_move_to_another_team_keeps_the_ticket_and_records_the_move()
    {
        var ticket = await CreateAsync();

        var moved = await MovedAsync(await Api.MoveAsync(ticket.ObjectId(), MoveBody("facilities", etag: ticket.Etag())));

        Assert.Equal((ticket.ObjectId(), ticket.GetProperty("id").GetString()), (moved.ObjectId(), moved.GetProperty("id").GetString()));
        Assert.Equal("facilities", moved.GetProperty("lookup_props").GetProperty("teamId").GetString());
        Assert.Equal(HardwareRequest, moved.GetProperty("lookup_props").GetProperty("itemTypeId").GetString());
        Assert.Equal(JsonValueKind.Null, moved.GetProperty("moved_to").ValueKind);
        Assert.Equal(2, moved.GetProperty("version").GetInt32());
        Assert.NotEqual(ticket.Etag(), moved.Etag());
        var read = await TicketOf(await Api.GetTicketAsync(ticket.ObjectId(), Api.AgentToken()));
        Assert.Equal("facilities", read.GetProperty("lookup_props").GetProperty("teamId").GetString());
        var entry = (await HistoryAsync(ticket.ObjectId()))[^1];
        Assert.Equal(("moved", 2), (entry.GetProperty("action").GetString(), entry.GetProperty("version").GetInt32()));
        Assert.Equal("""{"teamId":{"old":"james","new":"facilities"}}""", entry.GetProperty("changes").GetRawText());
        // The team's members see it now; james's alone no longer do.
        await AssertError(await Api.GetTicketAsync(ticket.ObjectId(), Api.AgentToken(teams: "james")), HttpStatusCode.Forbidden, "FORBIDDEN",
            "Your teams do not include team facilities");
    }

    [Fact]
    public async Task The_etag_comes_in_the_body_or_in_If_Match_and_must_be_the_current_one()
    {
        var ticket = await CreateAsync();

        await AssertError(await Api.MoveAsync(ticket.ObjectId(), MoveBody("facilities")), (HttpStatusCode)428, "ETAG_REQUIRED");
        await AssertError(await Api.MoveAsync(ticket.ObjectId(), MoveBody("facilities", etag: Guid.NewGuid().ToString())), HttpStatusCode.PreconditionFailed, "ETAG_MISMATCH");
        var differing = await Api.MoveAsync(ticket.ObjectId(), MoveBody("facilities", etag: ticket.Etag()), ifMatch: Quote(Guid.NewGuid().ToString()));
        Assert.Equal(["The etag in the body differs from the If-Match header"], (await differing.JsonAsync()).Reasons("etag"));
        Assert.Equal(ticket.Etag(), (await TicketOf(await Api.GetTicketAsync(ticket.ObjectId(), Api.AgentToken()))).Etag());

        var moved = await MovedAsync(await Api.MoveAsync(ticket.ObjectId(), MoveBody("facilities"), ifMatch: Quote(ticket.Etag())));
        Assert.Equal("facilities", moved.GetProperty("lookup_props").GetProperty("teamId").GetString());
        // The etag it was moved from is stale now.
        await AssertError(await Api.MoveAsync(ticket.ObjectId(), MoveBody("james", etag: ticket.Etag())), HttpStatusCode.PreconditionFailed, "ETAG_MISMATCH");
    }

    [Fact]
    public async Task Only_agents_and_admins_with_both_teams_and_both_types_may_move()
    {
        var ticket = await CreateAsync();
        var body = MoveBody("facilities", etag: ticket.Etag());

        await AssertError(await Api.MoveAsync(ticket.ObjectId(), body, Api.Token(roles: "ticket_user", teams: "james,facilities")), HttpStatusCode.Unauthorized,
            "USER_PERMISSION_FAILURE", "You do not have the required permissions to move ticket");
        await AssertError(await Api.MoveAsync(ticket.ObjectId(), body, Api.AgentToken(teams: "james")), HttpStatusCode.Forbidden, "FORBIDDEN",
            "Your teams do not include team facilities");
        await AssertError(await Api.MoveAsync(ticket.ObjectId(), body, Api.AgentToken(teams: "facilities")), HttpStatusCode.Forbidden, "FORBIDDEN",
            "Your teams do not include team james");
        // Payment Approval (16912) is for agents and admins; a type whose roles leave the caller out is refused.
        var unknown = await (await Api.MoveAsync(ticket.ObjectId(), """{"teamId":"nowhere","itemTypeId":"99999","surprise":1}""")).JsonAsync();
        Assert.Equal(["Field surprise is not part of a move; a move takes teamId, itemTypeId and etag"], unknown.Reasons("surprise"));
        var targets = await (await Api.MoveAsync(ticket.ObjectId(), """{"teamId":"nowhere","itemTypeId":"99999"}""")).JsonAsync();
        Assert.Equal(["Team nowhere not found"], targets.Reasons("teamId"));
        Assert.Equal(["Item type 99999 not found"], targets.Reasons("itemTypeId"));
        var same = await Api.MoveAsync(ticket.ObjectId(), MoveBody("james", etag: ticket.Etag()));
        Assert.Equal(["The ticket is in team james already; a move names another team or another ticket type"], (await same.JsonAsync()).Reasons("teamId"));
        Assert.Equal(ticket.Etag(), (await TicketOf(await Api.GetTicketAsync(ticket.ObjectId(), Api.AgentToken()))).Etag());

        var byAdmin = await Api.MoveAsync(ticket.ObjectId(), body, Api.Token(roles: "tenant_admin", teams: ""));
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
    }

    [Fact]
    public async Task A_move_to_another_type_makes_a_successor_with_the_new_types_display_id_and_a_tombstone_that_answers_308()
    {
        var upload = await Api.UploadIdAsync(token: Api.AgentToken());
        var ticket = await CreateAsync(WithAttachments((upload, "photo")));
        var watched = await TicketOf(await Api.PatchAsync(ticket.ObjectId(),
            Patch(ticket.Etag(), "\"assignee\":{\"username\":\"agent.smith\"},\"ticketBody\":{\"ccWatchers\":[\"lead@example.com\"]}"), Api.AgentToken()));

        var successor = await MovedAsync(await Api.MoveAsync(ticket.ObjectId(), MoveBody("facilities", IncidentType, watched.Etag())));

        Assert.Equal($"{IncidentPrefix}-0001", successor.ObjectId());
        Assert.NotEqual(ticket.GetProperty("id").GetString(), successor.GetProperty("id").GetString());
        Assert.Equal(("facilities", IncidentType), (successor.GetProperty("lookup_props").GetProperty("teamId").GetString(),
            successor.GetProperty("lookup_props").GetProperty("itemTypeId").GetString()));
        var data = successor.GetProperty("data");
        Assert.Equal("Need a replacement laptop", data.GetProperty(Bodies.TitleField).GetString());
        Assert.Equal("<2week", data.GetProperty(Bodies.NeededWithinField).GetString());
        Assert.Equal(IncidentOffer, data.GetProperty("offerId").GetString());
        Assert.Equal(["lead@example.com"], data.GetProperty("ccWatchers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("agent.smith", successor.GetProperty("assignee").GetProperty("username").GetString());
        Assert.True(successor.GetProperty("attachments").TryGetProperty(upload, out _));
        Assert.Equal(ticket.GetProperty("created_at").GetString(), successor.GetProperty("created_at").GetString());
        Assert.Equal(3, successor.GetProperty("version").GetInt32());
        // The stored list of predecessors is not answered.
        Assert.False(successor.TryGetProperty("moved_from", out _));
        // The new type's clocks, restarted from the original creation time.
        var clock = Assert.Single(successor.GetProperty("slas").EnumerateArray());
        Assert.Equal("Time to fix", clock.GetProperty("name").GetString());
        Assert.Equal(DateTimeOffset.Parse(ticket.GetProperty("created_at").GetString()!).AddHours(8),
            DateTimeOffset.Parse(clock.GetProperty("target_at").GetString()!));

        // History carries over, with the move last.
        var history = await HistoryAsync(successor.ObjectId());
        Assert.Equal(["created", "updated", "moved"], history.Select(e => e.GetProperty("action").GetString()));
        var changes = history[^1].GetProperty("changes");
        Assert.Equal(ticket.ObjectId(), changes.GetProperty("object_id").GetProperty("old").GetString());
        Assert.Equal(successor.ObjectId(), changes.GetProperty("moved_to").GetProperty("new").GetString());
        // Its attachment downloads through the successor.
        Assert.Equal(HttpStatusCode.OK, (await Api.DownloadAsync(successor.ObjectId(), upload, Api.AgentToken())).StatusCode);

        // The old display id is a tombstone: every operation answers 308 to the successor.
        await AssertMoved(await Api.GetTicketAsync(ticket.ObjectId(), Api.AgentToken()), successor.ObjectId());
        await AssertMoved(await Api.PatchAsync(ticket.ObjectId(), Patch(watched.Etag(), "\"summary\":\"x\""), Api.AgentToken()), successor.ObjectId());
        await AssertMoved(await Api.DeleteTicketAsync(ticket.ObjectId(), Quote(watched.Etag()), Api.AgentToken()), successor.ObjectId());
        await AssertMoved(await Api.GetHistoryAsync(ticket.ObjectId(), Api.AgentToken()), successor.ObjectId());
        await AssertMoved(await Api.MoveAsync(ticket.ObjectId(), MoveBody("james", etag: watched.Etag())), successor.ObjectId());

        // A new relation must name the live ticket.
        var related = await Api.CreateAsync(WithRelation(ticket.ObjectId()), Api.AgentToken());
        Assert.Equal([$"Ticket {ticket.ObjectId()} was moved; relate to its successor {successor.ObjectId()}"], (await related.JsonAsync()).Reasons("ticketRelation"));

        // The listing shows the successor; the tombstone only when asked for.
        Assert.Equal([successor.ObjectId()], await ListedAsync());
        Assert.Equal([ticket.ObjectId(), successor.ObjectId()], await ListedAsync("&includeMoved=true"));
        var listed = (await (await Api.Client.SendAsync(Api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/list?includeMoved=true&teamId=james", Api.AgentToken()))).JsonAsync())
            .GetProperty("tickets").EnumerateArray().Single();
        Assert.Equal(successor.ObjectId(), listed.GetProperty("moved_to").GetString());
    }

    [Fact]
    public async Task Comments_and_their_counts_carry_over_to_the_successor_and_stay_editable_there()
    {
        var ticket = await CreateAsync();
        var reply = (await (await Api.CommentAsync(ticket.ObjectId(), CommentApi.CommentBody("<p>On its way</p>"), Api.AgentToken())).JsonAsync()).GetProperty("comment");
        var note = (await (await Api.CommentAsync(ticket.ObjectId(), CommentApi.CommentBody("<p>Supplier called</p>", "internal"), Api.AgentToken())).JsonAsync()).GetProperty("comment");

        var successor = await MovedAsync(await Api.MoveAsync(ticket.ObjectId(), MoveBody("facilities", IncidentType, ticket.Etag())));

        // The public reply is counted; the internal note is not, as before the move.
        Assert.Equal(1, successor.GetProperty("comment_count").GetInt32());
        Assert.Equal(reply.GetProperty("created_at").GetString(), successor.GetProperty("last_comment_at").GetString());
        var listed = (await (await Api.CommentsAsync(successor.ObjectId(), Api.AgentToken())).JsonAsync()).GetProperty("comments").EnumerateArray()
            .Select(c => c.GetProperty("id").GetString()).ToArray();
        Assert.Equal([reply.GetProperty("id").GetString(), note.GetProperty("id").GetString()], listed);
        // The tombstone's comments answer 308 to the successor.
        await AssertMoved(await Api.CommentsAsync(ticket.ObjectId(), Api.AgentToken()), successor.ObjectId());
        // A new reply on the successor counts on from the carried-over one.
        Assert.Equal(HttpStatusCode.OK, (await Api.CommentAsync(successor.ObjectId(), CommentApi.CommentBody("<p>Fixed</p>"), Api.AgentToken())).StatusCode);
        var read = (await (await Api.GetTicketAsync(successor.ObjectId(), Api.AgentToken())).JsonAsync()).GetProperty("ticket");
        Assert.Equal(2, read.GetProperty("comment_count").GetInt32());
    }

    [Fact]
    public async Task A_first_reply_clock_of_the_new_type_stays_stopped_at_the_reply_that_already_happened()
    {
        var replied = await CreateAsync();
        var notYet = await CreateAsync();
        // A requester's public comment is not a reply; the agent's is.
        Assert.Equal(HttpStatusCode.OK, (await Api.CommentAsync(replied.ObjectId(), CommentApi.CommentBody("<p>Any news?</p>"), Api.Token())).StatusCode);
        var reply = (await (await Api.CommentAsync(replied.ObjectId(), CommentApi.CommentBody("<p>On its way</p>"), Api.AgentToken())).JsonAsync()).GetProperty("comment");
        Assert.Equal(HttpStatusCode.OK, (await Api.CommentAsync(notYet.ObjectId(), CommentApi.CommentBody("<p>Any news?</p>"), Api.Token())).StatusCode);

        var successor = await MovedAsync(await Api.MoveAsync(replied.ObjectId(), MoveBody("james", EscalationType, replied.Etag())));
        var waiting = await MovedAsync(await Api.MoveAsync(notYet.ObjectId(), MoveBody("james", EscalationType, notYet.Etag())));

        static JsonElement Clock(JsonElement ticket, string name) => ticket.GetProperty("slas").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var firstResponse = Clock(successor, "Time to first response");
        Assert.Equal((reply.GetProperty("created_at").GetString(), "met"), (firstResponse.GetProperty("stopped_at").GetString(), firstResponse.GetProperty("state").GetString()));
        var measured = (long)Math.Floor((DateTimeOffset.Parse(reply.GetProperty("created_at").GetString()!) - DateTimeOffset.Parse(replied.GetProperty("created_at").GetString()!)).TotalSeconds);
        Assert.Equal(measured, successor.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "time_to_first_response_seconds").GetProperty("value").GetInt64());
        Assert.Equal(JsonValueKind.Null, Clock(successor, "Time to fix").GetProperty("stopped_at").ValueKind);
        // No agent replied yet: the clock runs, and the next agent reply on the successor stops it.
        Assert.Equal(JsonValueKind.Null, Clock(waiting, "Time to first response").GetProperty("stopped_at").ValueKind);
        var later = (await (await Api.CommentAsync(waiting.ObjectId(), CommentApi.CommentBody("<p>Looking</p>"), Api.AgentToken())).JsonAsync()).GetProperty("comment");
        var read = await TicketOf(await Api.GetTicketAsync(waiting.ObjectId(), Api.AgentToken()));
        Assert.Equal(later.GetProperty("created_at").GetString(), Clock(read, "Time to first response").GetProperty("stopped_at").GetString());
    }

    [Fact]
    public async Task Values_the_new_type_has_no_field_for_are_refused_one_reason_per_field_and_nothing_moves()
    {
        var ticket = await CreateAsync();

        var refused = await Api.MoveAsync(ticket.ObjectId(), MoveBody("james", SampleIncident, ticket.Etag()));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = await refused.JsonAsync();
        Assert.Equal(["Field Title has a value and is not defined for ticket type Incident; clear it before moving the ticket"], error.Reasons(Bodies.TitleField));
        Assert.Equal(["Field Description has a value and is not defined for ticket type Incident; clear it before moving the ticket"], error.Reasons(Bodies.DescriptionField));
        Assert.Equal(["Field Needed Within has a value and is not defined for ticket type Incident; clear it before moving the ticket"], error.Reasons(Bodies.NeededWithinField));
        var read = await TicketOf(await Api.GetTicketAsync(ticket.ObjectId(), Api.AgentToken()));
        Assert.Equal((ticket.Etag(), HardwareRequest), (read.Etag(), read.GetProperty("lookup_props").GetProperty("itemTypeId").GetString()));
        Assert.Equal([ticket.ObjectId()], await ListedAsync("&includeMoved=true"));
    }

    [Fact]
    public async Task A_ticket_moved_twice_answers_308_straight_to_the_newest_successor()
    {
        var ticket = await CreateAsync();
        var first = await MovedAsync(await Api.MoveAsync(ticket.ObjectId(), MoveBody("james", IncidentType, ticket.Etag())));
        var second = await MovedAsync(await Api.MoveAsync(first.ObjectId(), MoveBody("facilities", HardwareRequest, first.Etag())));

        Assert.Equal("CTC-0002", second.ObjectId());
        await AssertMoved(await Api.GetTicketAsync(ticket.ObjectId(), Api.AgentToken()), second.ObjectId());
        await AssertMoved(await Api.GetTicketAsync(first.ObjectId(), Api.AgentToken()), second.ObjectId());
        Assert.Equal(["created", "moved", "moved"], (await HistoryAsync(second.ObjectId())).Select(e => e.GetProperty("action").GetString()));
        Assert.Equal([second.ObjectId()], await ListedAsync());
    }

    [Fact]
    public async Task The_same_Idempotency_Key_replays_the_move_and_another_request_with_it_is_refused()
    {
        var ticket = await CreateAsync();
        var body = MoveBody("facilities", IncidentType, ticket.Etag());

        var first = await Api.MoveAsync(ticket.ObjectId(), body, idempotencyKey: "move-1");
        var again = await Api.MoveAsync(ticket.ObjectId(), body, idempotencyKey: "move-1");
        var other = await Api.MoveAsync(ticket.ObjectId(), MoveBody("james", IncidentType, ticket.Etag()), idempotencyKey: "move-1");

        var successor = await MovedAsync(first);
        Assert.Equal(successor.ObjectId(), (await MovedAsync(again)).ObjectId());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        await AssertError(other, (HttpStatusCode)422, "IDEMPOTENCY_KEY_REUSED");
        Assert.Equal([successor.ObjectId()], await ListedAsync());
        var malformed = await Api.MoveAsync(ticket.ObjectId(), body, idempotencyKey: "not a key");
        Assert.Equal(["Header Idempotency-Key must be 1 to 255 visible ASCII characters"], (await malformed.JsonAsync()).Reasons("Idempotency-Key"));
    }
}
