using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;
using static TicketingFunctions.Tests.Http.AttachmentApi;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

public sealed class TicketDeletionHttpOnEmbeddedStore() : TicketDeletionHttpTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class TicketDeletionHttpOnCosmos(CosmosEmulatorFixture emulator) : TicketDeletionHttpTests(new CosmosHosts(emulator));

/// <summary>DELETE of a ticket: If-Match, who may, the deletion sequence, and a deleted ticket's absence from the API.</summary>
public abstract class TicketDeletionHttpTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private string Admin => Api.Token(roles: "tenant_admin");

    [Fact]
    public async Task An_agent_deletes_with_the_etag_and_each_deletion_takes_the_next_number_of_the_tenants_sequence()
    {
        var first = await Api.CreateTicketAsync();
        var second = await Api.CreateTicketAsync();

        var deleted = await Api.DeleteTicketAsync(first.ObjectId(), Quote(first.Etag()));
        var next = await TicketOf(await Api.DeleteTicketAsync(second.ObjectId(), second.Etag(), Admin));

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var json = await deleted.JsonAsync();
        Assert.Equal(("ticket deleted successfully", first.ObjectId()), (json.GetProperty("message").GetString(), json.GetProperty("objectId").GetString()));
        var ticket = json.GetProperty("ticket");
        Assert.Equal((1L, 2), (ticket.GetProperty("deleted_seq").GetInt64(), ticket.GetProperty("version").GetInt32()));
        Assert.NotEqual(first.Etag(), ticket.Etag());
        Assert.Equal(Quote(ticket.Etag()), deleted.ETagHeader());
        Assert.Equal(2L, next.GetProperty("deleted_seq").GetInt64());
    }

    [Fact]
    public async Task If_match_is_required_must_be_current_and_well_formed()
    {
        var ticket = await Api.CreateTicketAsync();

        await AssertError(await Api.DeleteTicketAsync(ticket.ObjectId(), null), (HttpStatusCode)428, "ETAG_REQUIRED",
            "A delete needs the ticket's current etag in an If-Match header");
        await AssertError(await Api.DeleteTicketAsync(ticket.ObjectId(), Quote(Guid.NewGuid().ToString())), HttpStatusCode.PreconditionFailed, "ETAG_MISMATCH");
        var star = await Api.DeleteTicketAsync(ticket.ObjectId(), "*");
        Assert.Equal(["Header If-Match must name the ticket's etag; * is not accepted"], (await star.JsonAsync()).Reasons("If-Match"));
        // None of those changed it.
        Assert.Equal(ticket.Etag(), (await TicketOf(await Api.GetTicketAsync(ticket.ObjectId()))).Etag());
    }

    [Fact]
    public async Task Only_agents_and_tenant_admins_with_the_write_scope_may_delete()
    {
        var ticket = await Api.CreateTicketAsync();
        const string message = "You do not have the required permissions to delete ticket";

        await AssertError(await Api.DeleteTicketAsync(ticket.ObjectId(), Quote(ticket.Etag()), Api.Token(roles: "ticket_user")), HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", message);
        await AssertError(await Api.DeleteTicketAsync(ticket.ObjectId(), Quote(ticket.Etag()), Api.Token(roles: "ticket_agent", scope: "tickets:read")), HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", message);
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.DeleteTicketAsync(ticket.ObjectId(), Quote(ticket.Etag()), Api.Token(roles: "ticket_agent", teams: "facilities"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.DeleteTicketAsync(ticket.ObjectId(), Quote(ticket.Etag()))).StatusCode);
    }

    [Fact]
    public async Task A_deleted_ticket_is_not_found_by_read_update_history_or_another_delete()
    {
        var ticket = await Api.CreateTicketAsync();
        var deleted = await TicketOf(await Api.DeleteTicketAsync(ticket.ObjectId(), Quote(ticket.Etag())));

        foreach (var response in new[]
                 {
                     await Api.GetTicketAsync(ticket.ObjectId()),
                     await Api.GetTicketAsync(ticket.ObjectId(), Admin),
                     await Api.PatchAsync(ticket.ObjectId(), Patch(deleted.Etag(), "\"summary\":\"back\""), Admin),
                     await Api.GetHistoryAsync(ticket.ObjectId(), Admin),
                     await Api.DeleteTicketAsync(ticket.ObjectId(), Quote(deleted.Etag()), Admin),
                 })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(TicketNotFoundBody, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Only_a_tenant_admin_asking_with_include_deleted_reads_a_deleted_ticket()
    {
        var ticket = await Api.CreateTicketAsync();
        await Api.DeleteTicketAsync(ticket.ObjectId(), Quote(ticket.Etag()));
        string Path(string flag) => TicketPath(ticket.ObjectId()) + "?includeDeleted=" + flag;

        var admin = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, Path("true"), Admin));
        var agent = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, Path("true"), Api.Token(roles: "ticket_agent")));
        var notAsked = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, Path("false"), Admin));
        var malformed = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, Path("yes"), Admin));

        Assert.Equal(1L, (await TicketOf(admin)).GetProperty("deleted_seq").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, agent.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notAsked.StatusCode);
        Assert.Equal(["Query parameter includeDeleted must be true or false"], (await malformed.JsonAsync()).Reasons("includeDeleted"));
        // Not deleted: the flag changes nothing.
        var live = await Api.CreateTicketAsync();
        Assert.Equal(HttpStatusCode.OK, (await Api.Client.SendAsync(Api.Request(HttpMethod.Get, TicketPath(live.ObjectId()) + "?includeDeleted=true", Api.Token()))).StatusCode);
    }

    [Fact]
    public async Task The_ticket_keeps_its_document_and_history_and_the_history_records_the_deletion()
    {
        var ticket = await Api.CreateTicketAsync();
        await Api.DeleteTicketAsync(ticket.ObjectId(), Quote(ticket.Etag()), Api.Token(roles: "ticket_agent", username: "agent.one"));

        var stored = await Api.Services.GetRequiredService<ITicketStore>().GetTicketAsync(TestApi.Tenant, ticket.ObjectId(), default);

        Assert.NotNull(stored);
        Assert.Equal("Hardware request - new laptop", stored.Summary);
        var entry = stored.History[^1];
        Assert.Equal(("deleted", 2, "agent.one"), (entry.Action, entry.Version, entry.Username));
        Assert.Equal((-1L, 1L), (entry.Changes["deleted_seq"].Old!.Value.GetInt64(), entry.Changes["deleted_seq"].New!.Value.GetInt64()));
    }

    [Fact]
    public async Task Concurrent_deletions_get_distinct_sequence_numbers()
    {
        var tickets = new List<System.Text.Json.JsonElement>();
        for (var i = 0; i < 6; i++) tickets.Add(await Api.CreateTicketAsync());

        var deleted = await Task.WhenAll(tickets.Select(async t => await TicketOf(await Api.DeleteTicketAsync(t.ObjectId(), Quote(t.Etag())))));

        Assert.Equal([1L, 2, 3, 4, 5, 6], deleted.Select(t => t.GetProperty("deleted_seq").GetInt64()).Order());
    }
}
