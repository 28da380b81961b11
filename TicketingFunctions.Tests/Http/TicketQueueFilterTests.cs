using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

public sealed class TicketQueueFilterOnEmbeddedStore() : TicketQueueFilterTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class TicketQueueFilterOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : TicketQueueFilterTests(new CosmosHosts(emulator));

/// <summary>
/// The work queue's filters for worked tickets, on each store: status_category and status_type after real moves,
/// assignee (me, none, a username) and sla=breached on a fake clock.
/// </summary>
public abstract class TicketQueueFilterTests(IApiHosts hosts) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private TestApi Api { get; set; } = null!;

    public async Task InitializeAsync() => Api = await hosts.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(_time)));
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private string Agent => Api.Token(roles: "ticket_agent", username: "agent.smith", email: "smith@example.com");

    private async Task<string> CreateIncidentAsync(string summary)
    {
        var body = TicketLifecycleUpdateTests.IncidentBody.Replace("\"summary\":\"Outage\"", $"\"summary\":\"{summary}\"");
        return (await Api.CreateTicketAsync(body, path: TicketLifecycleUpdateTests.IncidentPath)).GetProperty("object_id").GetString()!;
    }

    private async Task WorkAsync(string objectId, string members)
    {
        var ticket = (await (await Api.GetTicketAsync(objectId, Agent)).JsonAsync()).GetProperty("ticket");
        var response = await Api.PatchAsync(objectId, Patch(ticket.GetProperty("etag").GetString(), members), Agent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string[]> ListedAsync(string query, string? token = null) =>
        [.. (await Api.WalkAsync(query, token ?? Agent)).Select(t => t.GetProperty("summary").GetString()!).Order(StringComparer.Ordinal)];

    /// <summary>new (Open, nobody), mine (In Progress, agent.smith), theirs (In Progress, agent.jones), done (Resolved, agent.smith).</summary>
    private async Task<Dictionary<string, string>> QueueAsync()
    {
        var tickets = new Dictionary<string, string>();
        foreach (var name in new[] { "new", "mine", "theirs", "done" }) tickets[name] = await CreateIncidentAsync(name);
        // The sample Incident's first-response clock stops at an agent's first public reply (issue 22).
        foreach (var name in new[] { "mine", "theirs", "done" })
            Assert.Equal(HttpStatusCode.OK, (await Api.CommentAsync(tickets[name], CommentApi.CommentBody("<p>On it</p>"), Agent)).StatusCode);
        await WorkAsync(tickets["mine"], "\"status_type\":\"In Progress\",\"assignee\":{\"username\":\"agent.smith\"}");
        await WorkAsync(tickets["theirs"], "\"status_type\":\"In Progress\",\"assignee\":{\"username\":\"agent.jones\"}");
        await WorkAsync(tickets["done"], "\"status_type\":\"In Progress\",\"assignee\":{\"username\":\"agent.smith\"}");
        await WorkAsync(tickets["done"], "\"status_type\":\"Resolved\"");
        return tickets;
    }

    [Fact]
    public async Task Status_category_and_status_type_follow_the_moves_tickets_made()
    {
        await QueueAsync();
        Assert.Equal(["new"], await ListedAsync("status_category=To-do%20Category"));
        Assert.Equal(["mine", "theirs"], await ListedAsync("status_category=In%20Progress%20Category"));
        Assert.Equal(["done"], await ListedAsync("status_category=Done%20Category"));
        Assert.Equal(["done"], await ListedAsync("status_type=Resolved"));
        Assert.Equal(["mine", "theirs"], await ListedAsync("status_type=In%20Progress&status_category=In%20Progress%20Category"));
        Assert.Empty(await ListedAsync("status_type=Resolved&status_category=To-do%20Category"));
    }

    [Fact]
    public async Task An_unknown_status_category_is_a_400_naming_the_categories()
    {
        var response = await Api.ListAsync("status_category=Blocked");
        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        Assert.Equal(["Query parameter status_category must be one of: To-do Category, In Progress Category, Done Category"],
            (await response.JsonAsync()).Reasons("status_category"));
    }

    [Fact]
    public async Task Assignee_me_none_and_a_username_list_whom_the_tickets_are_assigned_to()
    {
        var tickets = await QueueAsync();
        Assert.Equal(["done", "mine"], await ListedAsync("assignee=me"));
        Assert.Equal(["theirs"], await ListedAsync("assignee=me", Api.Token(roles: "ticket_agent", username: "agent.jones")));
        Assert.Equal(["theirs"], await ListedAsync("assignee=agent.jones"));
        Assert.Equal(["new"], await ListedAsync("assignee=none"));
        Assert.Equal(["mine"], await ListedAsync("assignee=me&status_category=In%20Progress%20Category"));

        // Unassigning puts the ticket back among the unassigned.
        await WorkAsync(tickets["theirs"], "\"assignee\":null");
        Assert.Equal(["new", "theirs"], await ListedAsync("assignee=none"));
        Assert.Empty(await ListedAsync("assignee=agent.jones"));
    }

    [Fact]
    public async Task Sla_breached_lists_the_tickets_whose_clocks_show_breached_as_of_the_request()
    {
        var tickets = await QueueAsync();
        Assert.Empty(await ListedAsync("sla=breached"));

        // Five hours on: the untouched ticket missed its first response; the others responded in time and run on.
        _time.Advance(TimeSpan.FromHours(5));
        var late = await Api.WalkAsync("sla=breached", Agent);
        Assert.Equal(["new"], late.Select(t => t.GetProperty("summary").GetString()));
        Assert.Equal("breached", late[0].GetProperty("slas")[0].GetProperty("state").GetString());

        // Two days on: every ticket not done missed its resolution target; the resolved one met both.
        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(["mine", "new", "theirs"], await ListedAsync("sla=breached"));
        Assert.Equal(["mine"], await ListedAsync("sla=breached&assignee=me"));

        // Resolving late stops the clock after its target: still breached, as the ticket itself shows.
        await WorkAsync(tickets["mine"], "\"status_type\":\"Resolved\"");
        Assert.Equal(["mine", "new", "theirs"], await ListedAsync("sla=breached"));
        var listed = (await Api.WalkAsync("sla=breached&status_category=Done%20Category", Agent)).Single();
        Assert.Equal("breached", listed.GetProperty("slas")[1].GetProperty("state").GetString());

        var wrong = await Api.ListAsync("sla=late", Agent);
        Assert.Equal(["Query parameter sla must be one of: breached"], (await wrong.JsonAsync()).Reasons("sla"));
    }

    [Fact]
    public async Task A_continuation_token_of_a_breached_listing_keeps_working_as_time_passes()
    {
        for (var i = 0; i < 3; i++) await CreateIncidentAsync($"t{i}");
        _time.Advance(TimeSpan.FromHours(5));
        var (first, next) = await Api.PageAsync("sla=breached&pageSize=2", Agent);
        Assert.Equal(2, first.Count);
        _time.Advance(TimeSpan.FromMinutes(1));
        var (second, end) = await Api.PageAsync($"sla=breached&pageSize=2&continuationToken={next}", Agent);
        Assert.Single(second);
        Assert.Null(end);
    }
}
