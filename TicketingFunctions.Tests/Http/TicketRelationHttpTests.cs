using System.Net;
using System.Text.Json;
using TicketingFunctions.Tests.Cosmos;
using static TicketingFunctions.Tests.Http.AttachmentApi;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

public sealed class TicketRelationHttpOnEmbeddedStore() : TicketRelationHttpTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class TicketRelationHttpOnCosmos(CosmosEmulatorFixture emulator) : TicketRelationHttpTests(new CosmosHosts(emulator));

/// <summary><c>ticketRelation</c> on create and update: its shape, a target the caller can read, and what is stored.</summary>
public abstract class TicketRelationHttpTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private static string Unavailable(string objectId) => $"Ticket {objectId} does not exist or you may not read it";

    [Fact]
    public async Task A_ticket_relates_to_its_parent_and_stores_the_parents_id_too()
    {
        var parent = await Api.CreateTicketAsync();

        var child = await TicketOf(await Api.CreateAsync(WithRelation(parent.ObjectId(), "parent")));

        var relation = child.GetProperty("ticket_relation");
        Assert.Equal(["objectId", "type", "id"], relation.EnumerateObject().Select(p => p.Name));
        Assert.Equal((parent.ObjectId(), "parent", parent.GetProperty("id").GetString()),
            (relation.GetProperty("objectId").GetString(), relation.GetProperty("type").GetString(), relation.GetProperty("id").GetString()));
        var created = (await (await Api.GetHistoryAsync(child.ObjectId())).JsonAsync()).GetProperty("history")[0];
        Assert.Equal(parent.ObjectId(), created.GetProperty("changes").GetProperty("ticketRelation").GetProperty("new").GetProperty("objectId").GetString());
    }

    [Fact]
    public async Task A_parent_link_that_would_close_a_cycle_is_refused_and_changes_nothing()
    {
        var top = await Api.CreateTicketAsync();
        var middle = await TicketOf(await Api.CreateAsync(WithRelation(top.ObjectId(), "parent")));
        var bottom = await TicketOf(await Api.CreateAsync(WithRelation(middle.ObjectId(), "parent")));

        var direct = await Api.PatchAsync(middle.ObjectId(), Patch(middle.Etag(), $$"""
            "ticketRelation":{"objectId":"{{middle.ObjectId()}}","type":"related"}
            """));
        var twoUp = await Api.PatchAsync(top.ObjectId(), Patch(top.Etag(), $$"""
            "ticketRelation":{"objectId":"{{bottom.ObjectId()}}","type":"parent"}
            """));
        var oneUp = await Api.PatchAsync(top.ObjectId(), Patch(top.Etag(), $$"""
            "ticketRelation":{"objectId":"{{middle.ObjectId()}}","type":"parent"}
            """));
        var notParent = await Api.PatchAsync(top.ObjectId(), Patch(top.Etag(), $$"""
            "ticketRelation":{"objectId":"{{bottom.ObjectId()}}","type":"related"}
            """));

        Assert.Equal(HttpStatusCode.BadRequest, direct.StatusCode);
        Assert.Equal([$"Ticket {bottom.ObjectId()} is below {top.ObjectId()} in its parent chain: this parent link would close a cycle"], (await twoUp.JsonAsync()).Reasons("ticketRelation"));
        Assert.Equal([$"Ticket {middle.ObjectId()} is below {top.ObjectId()} in its parent chain: this parent link would close a cycle"], (await oneUp.JsonAsync()).Reasons("ticketRelation"));
        // Another kind of relation is no parent chain.
        Assert.Equal(HttpStatusCode.OK, notParent.StatusCode);
    }

    [Theory]
    [InlineData("related")]
    [InlineData("duplicate_of")]
    [InlineData("caused_by")]
    public async Task Every_relation_type_is_accepted(string type)
    {
        var target = await Api.CreateTicketAsync();
        var ticket = await TicketOf(await Api.CreateAsync(WithRelation(target.ObjectId(), type)));
        Assert.Equal(type, ticket.GetProperty("ticket_relation").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"objectId":"CTC-0001","type":"parent","note":"x"}""", "Field ticketRelation has an unknown key note; it takes objectId and type")]
    [InlineData("""{"objectId":"CTC-0001","type":"child"}""", "Field ticketRelation.type must be one of: parent, related, duplicate_of, caused_by")]
    [InlineData("""{"type":"parent"}""", "Field ticketRelation.objectId is required")]
    [InlineData("""{"objectId":"CTC-0001"}""", "Field ticketRelation.type is required")]
    [InlineData("""{"objectId":7,"type":"parent"}""", "Field ticketRelation.objectId must be a ticket's display id (1 to 64 characters)")]
    [InlineData("""["CTC-0001"]""", "Field ticketRelation must be null or an object")]
    public async Task A_malformed_relation_is_refused_by_key(string relation, string message)
    {
        var response = await Api.CreateAsync(Bodies.Example(b => b["ticketRelation"] = System.Text.Json.Nodes.JsonNode.Parse(relation)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([message], (await response.JsonAsync()).Reasons("ticketRelation"));
    }

    [Fact]
    public async Task Missing_other_tenants_unreadable_and_deleted_targets_get_one_message()
    {
        var foreign = await Api.CreateTicketAsync(TicketLifecycleReadTests.OtherTenantBody, Api.Token(tenant: TestApi.OtherTenant, teams: "ops"),
            TicketLifecycleReadTests.OtherTenantPath, TestApi.OtherTenant);
        var payment = await Api.CreateTicketAsync(TicketLifecycleReadTests.PaymentBody, Api.Token(roles: "tenant_admin", teams: ""), TicketLifecycleReadTests.PaymentPath);
        var deleted = await Api.CreateTicketAsync();
        Assert.Equal(HttpStatusCode.OK, (await Api.DeleteTicketAsync(deleted.ObjectId(), Quote(deleted.Etag()))).StatusCode);

        foreach (var objectId in new[] { "CTC-9999", foreign.ObjectId(), payment.ObjectId(), deleted.ObjectId() })
        {
            var response = await Api.CreateAsync(WithRelation(objectId));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal([Unavailable(objectId)], (await response.JsonAsync()).Reasons("ticketRelation"));
        }
        // The payment ticket is readable by its team: then it is a fine target.
        var reader = Api.Token(teams: "james,facilities", roles: "ticket_user,ticket_agent");
        Assert.Equal(HttpStatusCode.OK, (await Api.CreateAsync(WithRelation(payment.ObjectId()), reader)).StatusCode);
    }

    [Fact]
    public async Task Update_sets_changes_and_clears_the_relation_and_history_records_it()
    {
        var first = await Api.CreateTicketAsync();
        var second = await Api.CreateTicketAsync();
        var ticket = await Api.CreateTicketAsync();

        var related = await TicketOf(await Api.PatchAsync(ticket.ObjectId(), Patch(ticket.Etag(), $$"""
            "ticketRelation":{"objectId":"{{first.ObjectId()}}","type":"related"}
            """)));
        var moved = await TicketOf(await Api.PatchAsync(ticket.ObjectId(), Patch(related.Etag(), $$"""
            "ticketRelation":{"objectId":"{{second.ObjectId()}}","type":"caused_by"}
            """)));
        var cleared = await TicketOf(await Api.PatchAsync(ticket.ObjectId(), Patch(moved.Etag(), "\"ticketRelation\":null")));

        Assert.Equal(first.GetProperty("id").GetString(), related.GetProperty("ticket_relation").GetProperty("id").GetString());
        Assert.Equal(second.ObjectId(), moved.GetProperty("ticket_relation").GetProperty("objectId").GetString());
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("ticket_relation").ValueKind);
        var history = (await (await Api.GetHistoryAsync(ticket.ObjectId())).JsonAsync()).GetProperty("history");
        var last = history[3].GetProperty("changes").GetProperty("ticketRelation");
        Assert.Equal((second.ObjectId(), JsonValueKind.Null), (last.GetProperty("old").GetProperty("objectId").GetString(), last.GetProperty("new").ValueKind));
    }

    [Fact]
    public async Task A_ticket_cant_relate_to_itself_and_resending_its_relation_changes_nothing()
    {
        var parent = await Api.CreateTicketAsync();
        var ticket = await TicketOf(await Api.CreateAsync(WithRelation(parent.ObjectId())));

        var self = await Api.PatchAsync(ticket.ObjectId(), Patch(ticket.Etag(), $$"""
            "ticketRelation":{"objectId":"{{ticket.ObjectId()}}","type":"related"}
            """));
        var same = await TicketOf(await Api.PatchAsync(ticket.ObjectId(), Patch(ticket.Etag(), $$"""
            "ticketRelation":{"objectId":"{{parent.ObjectId()}}","type":"parent"}
            """)));

        Assert.Equal(["A ticket can't relate to itself"], (await self.JsonAsync()).Reasons("ticketRelation"));
        Assert.Equal(ticket.Etag(), same.Etag());
    }
}
