using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

public sealed class TicketWorkflowHttpOnEmbeddedStore() : TicketWorkflowHttpTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class TicketWorkflowHttpOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : TicketWorkflowHttpTests(new CosmosHosts(emulator));

/// <summary>
/// Working a ticket over HTTP, on each store: workflow discovery, status transitions, assignment, watchers, SLA clocks
/// and metrics, on a fake clock.
/// </summary>
public abstract class TicketWorkflowHttpTests(IApiHosts hosts) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private TestApi Api { get; set; } = null!;

    public async Task InitializeAsync() => Api = await hosts.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(_time)));
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private const string IncidentPath = TicketLifecycleUpdateTests.IncidentPath;
    private const string PaymentPath = "/api/v2/ticketing/ticket/create/facilities/16912?type=agent&module=ticketing";
    private const string PaymentBody = """
        {"source":"api","summary":"Pay the vendor","ticketBody":{"offerId":"23631","3a7c9e1b-5d2f-4b8a-8e6c-1f9d3b7a5c20":120.5,
         "6b1d8f3a-9c4e-4d7b-a2f5-7e0c9b4d1a36":"Contoso Supplies"},"attachments":{},"ticketRelation":null}
        """;

    private string Agent => Api.Token(roles: "ticket_agent", username: "agent.smith", email: "smith@example.com");
    private string User => Api.Token(roles: "ticket_user");

    private async Task<(string ObjectId, string Etag, JsonElement Ticket)> CreateIncidentAsync(string? body = null)
    {
        var ticket = await Api.CreateTicketAsync(body ?? TicketLifecycleUpdateTests.IncidentBody, path: IncidentPath);
        return (ticket.GetProperty("object_id").GetString()!, ticket.GetProperty("etag").GetString()!, ticket);
    }

    /// <summary>PATCHes and answers the 200's ticket.</summary>
    private async Task<JsonElement> UpdateAsync(string objectId, string etag, string members, string? token = null)
    {
        var response = await Api.PatchAsync(objectId, Patch(etag, members), token ?? Agent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("ticket");
    }

    private async Task<JsonElement> ReadAsync(string objectId) =>
        (await (await Api.GetTicketAsync(objectId, Agent)).JsonAsync()).GetProperty("ticket");

    private static string Etag(JsonElement ticket) => ticket.GetProperty("etag").GetString()!;

    private static Dictionary<string, JsonElement> Slas(JsonElement ticket) =>
        ticket.GetProperty("slas").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s);

    private static Dictionary<string, long> Metrics(JsonElement ticket) =>
        ticket.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetInt64());

    // --- discovery ---

    [Fact]
    public async Task Discovery_shows_the_default_workflow_for_a_type_without_one_and_a_custom_one_with_its_roles()
    {
        var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", Api.Token(scope: "tickets:read")));
        var types = (await response.JsonAsync()).EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!, t => t);

        var hardware = types["16910"].GetProperty("workflow");
        Assert.Equal(["Open:To-do Category", "In Progress:In Progress Category", "Resolved:Done Category", "Closed:Done Category", "Cancelled:Done Category"],
            hardware.GetProperty("statuses").EnumerateArray().Select(s => $"{s.GetProperty("type").GetString()}:{s.GetProperty("category").GetString()}"));
        // L4: who may take each move is part of what discovery shows.
        string[] defaultMoves =
        [
            "Open>In Progress:[\"ticket_agent\",\"tenant_admin\"]", "In Progress>Resolved:[\"ticket_agent\",\"tenant_admin\"]",
            "Resolved>Closed:[\"ticket_agent\",\"tenant_admin\"]", "Resolved>Open:any",
            "Open>Cancelled:[\"ticket_agent\",\"tenant_admin\"]+requester", "In Progress>Cancelled:[\"ticket_agent\",\"tenant_admin\"]+requester",
        ];
        static string Move(JsonElement t) =>
            $"{t.GetProperty("from").GetString()}>{t.GetProperty("to").GetString()}:{(t.TryGetProperty("roles", out var r) ? r.GetRawText() : "any")}"
            + (t.TryGetProperty("requester", out var q) && q.GetBoolean() ? "+requester" : "");
        Assert.Equal(defaultMoves, hardware.GetProperty("transitions").EnumerateArray().Select(Move));
        // The sample catalog spells the same rule out for Incident.
        Assert.Equal(defaultMoves, types["16911"].GetProperty("workflow").GetProperty("transitions").EnumerateArray().Select(Move));
        Assert.Equal(0, types["16910"].GetProperty("slaPolicies").GetArrayLength());

        // Incident names no initial status: it shows the workflow's first.
        Assert.Equal("Open", types["16911"].GetProperty("initialStatus").GetProperty("type").GetString());
        Assert.Equal(["Time to first response:4:first_public_reply", "Time to resolution:48:Done Category"],
            types["16911"].GetProperty("slaPolicies").EnumerateArray().Select(p => $"{p.GetProperty("name").GetString()}:{p.GetProperty("hours").GetDecimal()}:{p.GetProperty("stopsAt").GetString()}"));

        var payment = types["16912"];
        Assert.Equal("Pending Approval", payment.GetProperty("initialStatus").GetProperty("type").GetString());
        var approve = payment.GetProperty("workflow").GetProperty("transitions")[0];
        Assert.Equal(("Pending Approval", "Approved", "[\"tenant_admin\"]"),
            (approve.GetProperty("from").GetString(), approve.GetProperty("to").GetString(), approve.GetProperty("roles").GetRawText()));
    }

    // --- the walk: Open → In Progress → Resolved → reopened, with clocks and metrics ---

    [Fact]
    public async Task A_ticket_worked_from_Open_to_Resolved_and_reopened_shows_its_clocks_metrics_and_history()
    {
        var (objectId, etag, created) = await CreateIncidentAsync();
        Assert.Equal(("Open", "To-do Category"), (created.GetProperty("status_type").GetString(), created.GetProperty("status_category").GetString()));
        Assert.Equal(JsonValueKind.Null, created.GetProperty("assignee").ValueKind);
        Assert.Equal(JsonValueKind.Null, created.GetProperty("resolved_at").ValueKind);
        Assert.Equal(0, created.GetProperty("metrics").GetArrayLength());
        var slas = Slas(created);
        Assert.Equal("2026-03-02T13:00:00.000Z", slas["Time to first response"].GetProperty("target_at").GetString());
        Assert.Equal("2026-03-04T09:00:00.000Z", slas["Time to resolution"].GetProperty("target_at").GetString());
        Assert.All(slas.Values, s => Assert.Equal(("running", JsonValueKind.Null), (s.GetProperty("state").GetString(), s.GetProperty("stopped_at").ValueKind)));

        // Five hours on, unanswered: the first-response clock is breached on read, with nothing written.
        _time.Advance(TimeSpan.FromHours(5));
        var late = await ReadAsync(objectId);
        Assert.Equal("breached", Slas(late)["Time to first response"].GetProperty("state").GetString());
        Assert.Equal("running", Slas(late)["Time to resolution"].GetProperty("state").GetString());
        Assert.Equal(etag, Etag(late));

        // The first-response clock stops at an agent's first public comment (issue 22): not the requester's, not an
        // internal note. The comment changes no etag, and the update below, built on the etag read before it, keeps it.
        Assert.Equal("first_public_reply", slas["Time to first response"].GetProperty("stops_at").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Api.CommentAsync(objectId, CommentApi.CommentBody("<p>Any news?</p>"), User)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.CommentAsync(objectId, CommentApi.CommentBody("<p>Checking</p>", "internal"), Agent)).StatusCode);
        Assert.Equal(JsonValueKind.Null, Slas(await ReadAsync(objectId))["Time to first response"].GetProperty("stopped_at").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await Api.CommentAsync(objectId, CommentApi.CommentBody("<p>On it</p>"), Agent)).StatusCode);
        var replied = await ReadAsync(objectId);
        Assert.Equal(etag, Etag(replied));
        Assert.Equal(new Dictionary<string, long> { ["time_to_first_response_seconds"] = 5 * 3600 }, Metrics(replied));
        Assert.Equal("2026-03-02T14:00:00.000Z", Slas(replied)["Time to first response"].GetProperty("stopped_at").GetString());
        _time.Advance(TimeSpan.FromHours(1));

        var started = await UpdateAsync(objectId, etag, "\"status_type\":\"In Progress\",\"assignee\":{\"username\":\"agent.smith\"}");
        Assert.Equal(("In Progress", "In Progress Category"), (started.GetProperty("status_type").GetString(), started.GetProperty("status_category").GetString()));
        Assert.Equal("agent.smith", started.GetProperty("assignee").GetProperty("username").GetString());
        // Starting work no longer measures the first response: the reply did, and the update kept its values.
        Assert.Equal(new Dictionary<string, long> { ["time_to_first_response_seconds"] = 5 * 3600 }, Metrics(started));
        var firstResponse = Slas(started)["Time to first response"];
        Assert.Equal(("breached", "2026-03-02T14:00:00.000Z"), (firstResponse.GetProperty("state").GetString(), firstResponse.GetProperty("stopped_at").GetString()));

        _time.Advance(TimeSpan.FromHours(18));
        var resolved = await UpdateAsync(objectId, Etag(started), "\"status_type\":\"Resolved\"");
        Assert.Equal(("Resolved", "Done Category"), (resolved.GetProperty("status_type").GetString(), resolved.GetProperty("status_category").GetString()));
        Assert.Equal("2026-03-03T09:00:00.000Z", resolved.GetProperty("resolved_at").GetString());
        Assert.Equal(new Dictionary<string, long> { ["time_to_first_response_seconds"] = 5 * 3600, ["time_to_resolution_seconds"] = 24 * 3600 }, Metrics(resolved));
        Assert.Equal("met", Slas(resolved)["Time to resolution"].GetProperty("state").GetString());

        // Stopped clocks stay met however late the ticket is read.
        _time.Advance(TimeSpan.FromDays(30));
        var stored = await ReadAsync(objectId);
        Assert.Equal(["breached", "met"], Slas(stored).Values.Select(s => s.GetProperty("state").GetString()));
        Assert.Equal(Etag(resolved), Etag(stored));

        // Reopening: resolved_at cleared, counted, and the resolution clock runs again toward its first target (long past).
        var reopened = await UpdateAsync(objectId, Etag(stored), "\"status_type\":\"Open\"", User);
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("resolved_at").ValueKind);
        Assert.Equal(1, Metrics(reopened)["reopened_count"]);
        Assert.Equal(5 * 3600, Metrics(reopened)["time_to_first_response_seconds"]);
        var resolution = Slas(reopened)["Time to resolution"];
        Assert.Equal(("breached", JsonValueKind.Null), (resolution.GetProperty("state").GetString(), resolution.GetProperty("stopped_at").ValueKind));
        Assert.Equal("2026-03-02T14:00:00.000Z", Slas(reopened)["Time to first response"].GetProperty("stopped_at").GetString());

        var entries = (await (await Api.GetHistoryAsync(objectId, Agent)).JsonAsync()).GetProperty("history").EnumerateArray().ToArray();
        // The writes, and between them by time an entry per comment (which made no write).
        var history = entries.Where(e => e.GetProperty("action").GetString() != "commented").ToArray();
        Assert.Equal(4, history.Length);
        Assert.Equal(3, entries.Length - history.Length);
        var start = history[1].GetProperty("changes");
        Assert.Equal(["status_type", "status_category", "assignee"], start.EnumerateObject().Select(p => p.Name));
        Assert.Equal("""{"old":"Open","new":"In Progress"}""", start.GetProperty("status_type").GetRawText());
        Assert.Equal("""{"old":"To-do Category","new":"In Progress Category"}""", start.GetProperty("status_category").GetRawText());
        Assert.Equal("""{"old":null,"new":{"username":"agent.smith"}}""", start.GetProperty("assignee").GetRawText());
        Assert.Equal("""{"old":"Resolved","new":"Open"}""", history[3].GetProperty("changes").GetProperty("status_type").GetRawText());
    }

    [Fact]
    public async Task Resolved_to_Closed_stays_done_and_keeps_resolved_at()
    {
        var (objectId, etag, _) = await CreateIncidentAsync();
        var ticket = await UpdateAsync(objectId, etag, "\"status_type\":\"In Progress\"");
        _time.Advance(TimeSpan.FromHours(1));
        ticket = await UpdateAsync(objectId, Etag(ticket), "\"status_type\":\"Resolved\"");
        var resolvedAt = ticket.GetProperty("resolved_at").GetString();
        _time.Advance(TimeSpan.FromHours(1));
        ticket = await UpdateAsync(objectId, Etag(ticket), "\"status_type\":\"Closed\"");

        Assert.Equal(("Closed", "Done Category", resolvedAt), (ticket.GetProperty("status_type").GetString(), ticket.GetProperty("status_category").GetString(),
            ticket.GetProperty("resolved_at").GetString()));
        Assert.Equal(3600, Metrics(ticket)["time_to_resolution_seconds"]);
        Assert.False(Metrics(ticket).ContainsKey("reopened_count"));

        // Closed is the end of the default workflow.
        var response = await Api.PatchAsync(objectId, Patch(Etag(ticket), "\"status_type\":\"Open\""), Agent);
        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        Assert.Equal(["Ticket can't move from Closed to Open; with your roles it can't move from Closed at all"], (await response.JsonAsync()).Reasons("status_type"));
    }

    [Fact]
    public async Task A_replayed_create_shows_its_clocks_as_of_the_replay()
    {
        HttpRequestMessage Create()
        {
            var request = Api.Request(HttpMethod.Post, IncidentPath, Api.Token(), TicketLifecycleUpdateTests.IncidentBody);
            request.Headers.TryAddWithoutValidation("Idempotency-Key", "incident-1");
            return request;
        }
        var first = (await (await Api.Client.SendAsync(Create())).JsonAsync()).GetProperty("ticket");
        _time.Advance(TimeSpan.FromHours(5));
        var replay = await Api.Client.SendAsync(Create());

        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        var replayed = (await replay.JsonAsync()).GetProperty("ticket");
        Assert.Equal(first.GetProperty("object_id").GetString(), replayed.GetProperty("object_id").GetString());
        Assert.Equal(["running", "running"], Slas(first).Values.Select(s => s.GetProperty("state").GetString()));
        Assert.Equal(["breached", "running"], Slas(replayed).Values.Select(s => s.GetProperty("state").GetString()));
    }

    // --- refusals ---

    [Fact]
    public async Task A_move_the_workflow_does_not_allow_is_a_400_listing_where_the_ticket_can_go_and_nothing_changes()
    {
        var (objectId, etag, _) = await CreateIncidentAsync();

        var skip = await Api.PatchAsync(objectId, Patch(etag, "\"status_type\":\"Resolved\""), Agent);
        var unknown = await Api.PatchAsync(objectId, Patch(etag, "\"status_type\":\"Done\""), Agent);
        var notText = await Api.PatchAsync(objectId, Patch(etag, "\"status_type\":7"), Agent);
        var category = await Api.PatchAsync(objectId, Patch(etag, "\"status_type\":\"In Progress\",\"status_category\":\"Done Category\""), Agent);

        await AssertError(skip, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        Assert.Equal(["Ticket can't move from Open to Resolved; with your roles it can move to: In Progress, Cancelled"], (await skip.JsonAsync()).Reasons("status_type"));
        Assert.Equal(["Ticket can't move from Open to Done; with your roles it can move to: In Progress, Cancelled"], (await unknown.JsonAsync()).Reasons("status_type"));
        Assert.Equal(["Field status_type must name a status"], (await notText.JsonAsync()).Reasons("status_type"));
        var categoryError = await category.JsonAsync();
        Assert.Equal(["status_category"], categoryError.ReasonKeys());
        Assert.Equal(["Field status_category can't be updated; it follows from status_type"], categoryError.Reasons("status_category"));

        var stored = await ReadAsync(objectId);
        Assert.Equal(("Open", etag, 1), (stored.GetProperty("status_type").GetString(), Etag(stored), stored.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task A_transition_with_roles_is_only_for_those_roles()
    {
        var ticket = await Api.CreateTicketAsync(PaymentBody, Api.Token(roles: "ticket_agent", teams: "facilities"), PaymentPath);
        var objectId = ticket.GetProperty("object_id").GetString()!;
        Assert.Equal(("Pending Approval", "To-do Category"), (ticket.GetProperty("status_type").GetString(), ticket.GetProperty("status_category").GetString()));

        // The workflow has the move, but not for this caller: 403 naming it, not a 400 about the body.
        var byAgent = await Api.PatchAsync(objectId, Patch(Etag(ticket), "\"status_type\":\"Approved\""), Api.Token(roles: "ticket_agent", teams: "facilities"));
        await AssertError(byAgent, HttpStatusCode.Forbidden, "FORBIDDEN", "Your roles may not move this ticket from Pending Approval to Approved");

        var admin = Api.Token(roles: "tenant_admin", teams: "");
        var rejected = await UpdateAsync(objectId, Etag(ticket), "\"status_type\":\"Rejected\"", admin);
        Assert.Equal(("Rejected", "Done Category"), (rejected.GetProperty("status_type").GetString(), rejected.GetProperty("status_category").GetString()));
        Assert.Equal("met", Slas(rejected)["Time to decision"].GetProperty("state").GetString());

        // Rejected → Pending Approval names no roles: any write role may take it.
        var again = await UpdateAsync(objectId, Etag(rejected), "\"status_type\":\"Pending Approval\"", Api.Token(roles: "ticket_agent", teams: "facilities"));
        Assert.Equal("Pending Approval", again.GetProperty("status_type").GetString());
        Assert.Equal(1, Metrics(again)["reopened_count"]);
    }

    // --- L4: who may take which move of the default workflow ---

    [Fact]
    public async Task A_requester_may_not_resolve_or_close_but_may_reopen_and_cancel_their_own_ticket()
    {
        // The requester is a ticket_user; the ticket is created with their token.
        var requester = Api.Token(roles: "ticket_user", username: "pat", email: "pat@example.com", subject: "subject-pat");
        var ticket = await Api.CreateTicketAsync(TicketLifecycleUpdateTests.IncidentBody, requester, IncidentPath);
        var objectId = ticket.GetProperty("object_id").GetString()!;

        // Starting work is an agent's move, refused to the requester with 403 naming it.
        var start = await Api.PatchAsync(objectId, Patch(Etag(ticket), "\"status_type\":\"In Progress\""), requester);
        await AssertError(start, HttpStatusCode.Forbidden, "FORBIDDEN", "Your roles may not move this ticket from Open to In Progress");
        var working = await UpdateAsync(objectId, Etag(ticket), "\"status_type\":\"In Progress\"", Agent);

        var resolve = await Api.PatchAsync(objectId, Patch(Etag(working), "\"status_type\":\"Resolved\""), requester);
        await AssertError(resolve, HttpStatusCode.Forbidden, "FORBIDDEN", "Your roles may not move this ticket from In Progress to Resolved");
        var resolved = await UpdateAsync(objectId, Etag(working), "\"status_type\":\"Resolved\"", Agent);
        Assert.Equal("met", Slas(resolved)["Time to resolution"].GetProperty("state").GetString());

        var close = await Api.PatchAsync(objectId, Patch(Etag(resolved), "\"status_type\":\"Closed\""), requester);
        await AssertError(close, HttpStatusCode.Forbidden, "FORBIDDEN", "Your roles may not move this ticket from Resolved to Closed");
        // Nothing changed for the refusals: the agent's etag is still current.
        Assert.Equal(Etag(resolved), Etag(await ReadAsync(objectId)));

        // Reopening is anyone's who may write; cancelling is the requester's own.
        var reopened = await UpdateAsync(objectId, Etag(resolved), "\"status_type\":\"Open\"", requester);
        Assert.Equal("running", Slas(reopened)["Time to resolution"].GetProperty("state").GetString());
        var cancelled = await UpdateAsync(objectId, Etag(reopened), "\"status_type\":\"Cancelled\"", requester);
        Assert.Equal(("Cancelled", "Done Category"), (cancelled.GetProperty("status_type").GetString(), cancelled.GetProperty("status_category").GetString()));
    }

    [Fact]
    public async Task Cancelling_is_for_the_requester_by_identity_not_by_name_and_for_agents()
    {
        var requester = Api.Token(roles: "ticket_user", username: "pat", email: "pat@example.com", subject: "subject-pat");
        // Same username, email and display name; another subject: another caller.
        var namesake = Api.Token(roles: "ticket_user", username: "pat", email: "pat@example.com", subject: "subject-other");
        var first = await Api.CreateTicketAsync(TicketLifecycleUpdateTests.IncidentBody, requester, IncidentPath);
        var second = await Api.CreateTicketAsync(TicketLifecycleUpdateTests.IncidentBody, requester, IncidentPath);

        var byNamesake = await Api.PatchAsync(first.GetProperty("object_id").GetString()!, Patch(Etag(first), "\"status_type\":\"Cancelled\""), namesake);
        await AssertError(byNamesake, HttpStatusCode.Forbidden, "FORBIDDEN",
            "Your roles may not move this ticket from Open to Cancelled; only its requester or an agent may");
        Assert.Equal("Open", (await ReadAsync(first.GetProperty("object_id").GetString()!)).GetProperty("status_type").GetString());

        var byAgent = await UpdateAsync(first.GetProperty("object_id").GetString()!, Etag(first), "\"status_type\":\"Cancelled\"", Agent);
        Assert.Equal("Cancelled", byAgent.GetProperty("status_type").GetString());
        var byRequester = await UpdateAsync(second.GetProperty("object_id").GetString()!, Etag(second), "\"status_type\":\"Cancelled\"", requester);
        Assert.Equal("Cancelled", byRequester.GetProperty("status_type").GetString());
    }

    [Fact]
    public async Task Sending_the_current_status_changes_nothing_and_writes_nothing()
    {
        var (objectId, etag, _) = await CreateIncidentAsync();
        var same = await UpdateAsync(objectId, etag, "\"status_type\":\"Open\"", User);
        Assert.Equal((etag, 1), (Etag(same), same.GetProperty("version").GetInt32()));
    }

    // --- assignee ---

    [Fact]
    public async Task Only_agents_and_tenant_admins_may_assign_or_unassign_and_others_get_401_before_any_other_check()
    {
        var (objectId, etag, _) = await CreateIncidentAsync();

        var byUser = await Api.PatchAsync(objectId, Patch(etag, "\"assignee\":{\"username\":\"me\"}"), User);
        var clearByUser = await Api.PatchAsync(objectId, Patch(etag, "\"assignee\":null"), User);
        var badAndByUser = await Api.PatchAsync(objectId, Patch(null, "\"assignee\":7,\"summary\":\"\""), User);
        foreach (var response in new[] { byUser, clearByUser, badAndByUser })
            await AssertError(response, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", "You do not have the required permissions to assign ticket");

        var assigned = await UpdateAsync(objectId, etag, "\"assignee\":{\"username\":\"agent.jones\"}");
        Assert.Equal("""{"username":"agent.jones"}""", assigned.GetProperty("assignee").GetRawText());
        var cleared = await UpdateAsync(objectId, Etag(assigned), "\"assignee\":null", Api.Token(roles: "tenant_admin", teams: ""));
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("assignee").ValueKind);

        var history = (await (await Api.GetHistoryAsync(objectId, Agent)).JsonAsync()).GetProperty("history");
        Assert.Equal("""{"old":{"username":"agent.jones"},"new":null}""", history[2].GetProperty("changes").GetProperty("assignee").GetRawText());
    }

    [Theory]
    [InlineData("7", "Field assignee must be null or an object {\"username\": \"…\"}")]
    [InlineData("{\"username\":\"a\",\"role\":\"x\"}", "Field assignee must be null or an object {\"username\": \"…\"}")]
    [InlineData("{\"username\":\" \"}", "Field assignee.username must be a non-empty string")]
    [InlineData("{\"username\":5}", "Field assignee.username must be a non-empty string")]
    public async Task A_malformed_assignee_is_a_400_keyed_assignee(string value, string message)
    {
        var (objectId, etag, _) = await CreateIncidentAsync();
        var response = await Api.PatchAsync(objectId, Patch(etag, $"\"assignee\":{value}"), Agent);
        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        Assert.Equal([message], (await response.JsonAsync()).Reasons("assignee"));
    }

    // --- watchers ---

    [Fact]
    public async Task Watchers_are_taken_on_create_and_update_deduplicated_and_recorded_in_history()
    {
        var body = Bodies.Example(b =>
        {
            b.TicketBody()["ccWatchers"] = new System.Text.Json.Nodes.JsonArray("lead@example.com", "Lead@Example.com", "ops@example.com");
            b.TicketBody()["toWatchers"] = new System.Text.Json.Nodes.JsonArray("boss@example.com");
        });
        var created = await Api.CreateTicketAsync(body);
        var objectId = created.GetProperty("object_id").GetString()!;
        Assert.Equal("""["lead@example.com","ops@example.com"]""", created.GetProperty("data").GetProperty("ccWatchers").GetRawText());
        Assert.Equal("""["boss@example.com"]""", created.GetProperty("data").GetProperty("toWatchers").GetRawText());

        var updated = await UpdateAsync(objectId, Etag(created), "\"ticketBody\":{\"ccWatchers\":[\"new@example.com\"],\"toWatchers\":null}", User);
        Assert.Equal("""["new@example.com"]""", updated.GetProperty("data").GetProperty("ccWatchers").GetRawText());
        Assert.Equal("[]", updated.GetProperty("data").GetProperty("toWatchers").GetRawText());

        var history = (await (await Api.GetHistoryAsync(objectId)).JsonAsync()).GetProperty("history");
        Assert.Equal("""{"old":null,"new":["lead@example.com","ops@example.com"]}""", history[0].GetProperty("changes").GetProperty("ccWatchers").GetRawText());
        Assert.Equal("""{"old":["lead@example.com","ops@example.com"],"new":["new@example.com"]}""", history[1].GetProperty("changes").GetProperty("ccWatchers").GetRawText());
        Assert.Equal("""{"old":["boss@example.com"],"new":[]}""", history[1].GetProperty("changes").GetProperty("toWatchers").GetRawText());

        // A ticket created without watchers records none in its creation entry.
        var plain = await Api.CreateTicketAsync();
        var plainHistory = (await (await Api.GetHistoryAsync(plain.GetProperty("object_id").GetString()!)).JsonAsync()).GetProperty("history");
        Assert.False(plainHistory[0].GetProperty("changes").TryGetProperty("ccWatchers", out _));
    }

    [Theory]
    [InlineData("lead\u202E@example.com")]
    [InlineData("le\u200Bad@example.com")]
    [InlineData("\uFEFFlead@example.com")]
    [InlineData("lead\u2066@example.com")]
    [InlineData("lead@[192.0.2.1]")]
    [InlineData("lead@192.0.2.1")]
    public async Task Watchers_and_assignees_with_invisible_or_bidi_characters_or_ip_literal_domains_are_refused(string identity)
    {
        var watchers = await Api.CreateAsync(Bodies.Example(b =>
        {
            b.TicketBody()["ccWatchers"] = new System.Text.Json.Nodes.JsonArray(identity);
            b.TicketBody()["toWatchers"] = new System.Text.Json.Nodes.JsonArray(identity);
        }));
        Assert.Equal(["Field ccWatchers must be an array of email addresses; at least one entry is not one"], (await watchers.JsonAsync()).Reasons("ccWatchers"));
        Assert.Single((await watchers.JsonAsync()).Reasons("toWatchers"));

        if (identity.Contains('['))   return;   // a username may hold an at-sign and digits; only the characters apply to it
        var (objectId, etag, _) = await CreateIncidentAsync();
        var assignee = await Api.PatchAsync(objectId, Patch(etag, $$"""
            "assignee":{"username":{{System.Text.Json.JsonSerializer.Serialize(identity)}}}
            """), Agent);
        if (identity.EndsWith("192.0.2.1", StringComparison.Ordinal)) Assert.Equal(HttpStatusCode.OK, assignee.StatusCode);
        else Assert.Equal(["Field assignee.username must not contain control, invisible or bidi characters"], (await assignee.JsonAsync()).Reasons("assignee"));
    }

    [Fact]
    public async Task Invalid_watchers_are_400s_keyed_by_list_on_create_and_update()
    {
        var tooMany = new System.Text.Json.Nodes.JsonArray([.. Enumerable.Range(0, 51).Select(i => (System.Text.Json.Nodes.JsonNode?)$"w{i}@example.com")]);
        var response = await Api.CreateAsync(Bodies.Example(b =>
        {
            b.TicketBody()["ccWatchers"] = new System.Text.Json.Nodes.JsonArray("lead@example.com", "not an address");
            b.TicketBody()["toWatchers"] = tooMany;
        }));
        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        var error = await response.JsonAsync();
        Assert.Equal(["Field ccWatchers must be an array of email addresses; at least one entry is not one"], error.Reasons("ccWatchers"));
        Assert.Equal(["Field toWatchers has more than 50 addresses"], error.Reasons("toWatchers"));

        var (objectId, etag, _) = await CreateIncidentAsync();
        var update = await Api.PatchAsync(objectId, Patch(etag, "\"ticketBody\":{\"ccWatchers\":\"lead@example.com\"}"), User);
        Assert.Equal(["Field ccWatchers must be an array of email addresses"], (await update.JsonAsync()).Reasons("ccWatchers"));
    }

    // --- one winner ---

    [Fact]
    public async Task Twenty_racing_transitions_with_one_etag_have_exactly_one_winner_and_one_history_entry()
    {
        var (objectId, etag, _) = await CreateIncidentAsync();
        var token = Agent;

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            Api.PatchAsync(objectId, Patch(etag, $"\"status_type\":\"In Progress\",\"assignee\":{{\"username\":\"agent{i}\"}}"), token))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        var winner = (await responses.Single(r => r.StatusCode == HttpStatusCode.OK).JsonAsync()).GetProperty("ticket");
        var stored = await ReadAsync(objectId);
        Assert.Equal(winner.GetProperty("assignee").GetRawText(), stored.GetProperty("assignee").GetRawText());
        Assert.Equal((2, "In Progress"), (stored.GetProperty("version").GetInt32(), stored.GetProperty("status_type").GetString()));
        // The sample Incident measures its first response by the first public agent reply, not by this move.
        Assert.Empty(Metrics(stored));

        var history = (await (await Api.GetHistoryAsync(objectId, Agent)).JsonAsync()).GetProperty("history");
        Assert.Equal(2, history.GetArrayLength());
        Assert.Equal(winner.GetProperty("assignee").GetRawText(), history[1].GetProperty("changes").GetProperty("assignee").GetProperty("new").GetRawText());
    }
}
