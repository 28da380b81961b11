using System.Net;
using TicketingFunctions.Tests.Cosmos;
using static TicketingFunctions.Tests.Http.AttachmentApi;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

public sealed class TicketListDeletionAndRelationOnEmbeddedStore() : TicketListDeletionAndRelationTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class TicketListDeletionAndRelationOnCosmos(CosmosEmulatorFixture emulator) : TicketListDeletionAndRelationTests(new CosmosHosts(emulator));

/// <summary>The listing and issue 17: deleted tickets left out (but for a tenant admin who asks), and <c>relatedTo</c>.</summary>
public abstract class TicketListDeletionAndRelationTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private string Admin => Api.Token(roles: "tenant_admin", teams: "");

    private static IEnumerable<string> Ids(IEnumerable<System.Text.Json.JsonElement> tickets) => tickets.Select(t => t.ObjectId());

    [Fact]
    public async Task Deleted_tickets_are_left_out_and_a_tenant_admin_with_include_deleted_sees_them()
    {
        var kept = await Api.CreateTicketAsync();
        var deleted = await Api.CreateTicketAsync();
        Assert.Equal(HttpStatusCode.OK, (await Api.DeleteTicketAsync(deleted.ObjectId(), Quote(deleted.Etag()))).StatusCode);

        Assert.Equal([kept.ObjectId()], Ids(await Api.WalkAsync()));
        Assert.Equal([kept.ObjectId()], Ids(await Api.WalkAsync("", Admin)));
        Assert.Equal([kept.ObjectId()], Ids(await Api.WalkAsync("includeDeleted=true")));   // not an admin: ignored, as on a read
        var all = await Api.WalkAsync("includeDeleted=true", Admin);
        Assert.Equal([deleted.ObjectId(), kept.ObjectId()], Ids(all));
        Assert.Equal(1, all[0].GetProperty("deleted_seq").GetInt64());
    }

    [Fact]
    public async Task Include_deleted_must_be_true_or_false_and_a_continuation_token_binds_to_it()
    {
        await Api.CreateTicketAsync();
        await Api.CreateTicketAsync();

        var malformed = await Api.ListAsync("includeDeleted=yes", Admin);
        var (_, next) = await Api.PageAsync("pageSize=1", Admin);
        var switched = await Api.ListAsync($"pageSize=1&includeDeleted=true&continuationToken={next}", Admin);

        Assert.Equal(["Query parameter includeDeleted must be true or false"], (await malformed.JsonAsync()).Reasons("includeDeleted"));
        Assert.Equal(HttpStatusCode.BadRequest, switched.StatusCode);
        Assert.Single((await switched.JsonAsync()).Reasons("continuationToken"));
    }

    [Fact]
    public async Task Related_to_lists_the_tickets_that_point_at_a_ticket_page_by_page()
    {
        var parent = await Api.CreateTicketAsync();
        var other = await Api.CreateTicketAsync();
        var children = new List<string>();
        for (var i = 0; i < 3; i++) children.Add((await TicketOf(await Api.CreateAsync(WithRelation(parent.ObjectId(), i == 1 ? "related" : "parent")))).ObjectId());
        await TicketOf(await Api.CreateAsync(WithRelation(other.ObjectId())));
        await Api.CreateTicketAsync();

        var related = await Api.WalkAsync($"relatedTo={parent.ObjectId()}&pageSize=2");

        // Tickets created in the same millisecond tie on created_at and follow their ids, so the order isn't asserted:
        // every child once, across pages of two.
        Assert.Equal(children.Order(), Ids(related).Order());
        Assert.Empty(await Api.WalkAsync("relatedTo=CTC-9999"));
    }

    [Fact]
    public async Task Related_to_follows_updates_and_leaves_out_deleted_children()
    {
        var parent = await Api.CreateTicketAsync();
        var moved = await TicketOf(await Api.CreateAsync(WithRelation(parent.ObjectId())));
        var gone = await TicketOf(await Api.CreateAsync(WithRelation(parent.ObjectId())));
        var staying = await TicketOf(await Api.CreateAsync(WithRelation(parent.ObjectId())));

        Assert.Equal(HttpStatusCode.OK, (await Api.PatchAsync(moved.ObjectId(), Patch(moved.Etag(), "\"ticketRelation\":null"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.DeleteTicketAsync(gone.ObjectId(), Quote(gone.Etag()))).StatusCode);

        Assert.Equal([staying.ObjectId()], Ids(await Api.WalkAsync($"relatedTo={parent.ObjectId()}")));
        // Created back to back, the two may tie on created_at (then they follow their ids): the set is asserted.
        Assert.Equal(new[] { staying.ObjectId(), gone.ObjectId() }.Order(),
            Ids(await Api.WalkAsync($"relatedTo={parent.ObjectId()}&includeDeleted=true", Admin)).Order());
    }

    [Fact]
    public async Task Related_to_shows_only_children_the_caller_may_read()
    {
        var parent = await Api.CreateTicketAsync();
        var mine = await TicketOf(await Api.CreateAsync(WithRelation(parent.ObjectId())));
        var payment = await Api.CreateTicketAsync(TicketLifecycleReadTests.PaymentBody.Replace("\"ticketRelation\":null",
            $"\"ticketRelation\":{{\"objectId\":\"{parent.ObjectId()}\",\"type\":\"caused_by\"}}"), Admin, TicketLifecycleReadTests.PaymentPath);

        Assert.Equal([mine.ObjectId()], Ids(await Api.WalkAsync($"relatedTo={parent.ObjectId()}")));
        Assert.Equal([payment.ObjectId(), mine.ObjectId()], Ids(await Api.WalkAsync($"relatedTo={parent.ObjectId()}", Admin)));
    }

    [Fact]
    public async Task Deleted_since_pages_deletions_in_deletion_order_for_a_sync_client()
    {
        var tickets = new List<System.Text.Json.JsonElement>();
        for (var i = 0; i < 4; i++) tickets.Add(await Api.CreateTicketAsync());
        // Deleted in another order than created: 3rd, 1st, 4th (the 2nd stays).
        foreach (var index in new[] { 2, 0, 3 })
            Assert.Equal(HttpStatusCode.OK, (await Api.DeleteTicketAsync(tickets[index].ObjectId(), Quote(tickets[index].Etag()))).StatusCode);

        var all = await Api.WalkAsync("deletedSince=0&pageSize=2", Admin);
        var after1 = await Api.WalkAsync("deletedSince=1", Admin);

        Assert.Equal([tickets[2].ObjectId(), tickets[0].ObjectId(), tickets[3].ObjectId()], Ids(all));
        Assert.Equal([1L, 2, 3], all.Select(t => t.GetProperty("deleted_seq").GetInt64()));
        Assert.Equal([tickets[0].ObjectId(), tickets[3].ObjectId()], Ids(after1));
        Assert.Empty(await Api.WalkAsync("deletedSince=3", Admin));
    }

    [Fact]
    public async Task Deleted_since_is_for_tenant_admins_and_takes_a_number_and_no_sort()
    {
        var agent = await Api.ListAsync("deletedSince=0", Api.Token(roles: "ticket_agent"));
        var negative = await Api.ListAsync("deletedSince=-1", Admin);
        var sorted = await Api.ListAsync("deletedSince=0&sort=created_at", Admin);

        await AssertError(agent, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", "You do not have the required permissions to list deleted tickets");
        Assert.Equal(["Query parameter deletedSince must be a deletion number (an integer from 0)"], (await negative.JsonAsync()).Reasons("deletedSince"));
        Assert.Equal(["Query parameter deletedSince lists in deletion order; it takes no sort or order"], (await sorted.JsonAsync()).Reasons("deletedSince"));
    }
}
