using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TicketingFunctions.Tests.Http;

public sealed class CreateTicketSuccessOnEmbeddedStore() : CreateTicketSuccessTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class CreateTicketSuccessOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : CreateTicketSuccessTests(new CosmosHosts(emulator));

public abstract partial class CreateTicketSuccessTests(IApiHosts hosts)
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoMillis();

    [Fact]
    public async Task Markup_and_non_ascii_values_are_written_as_sent_not_escaped()
    {
        await using var api = await hosts.StartAsync();

        var response = await api.CreateAsync(Bodies.ContractExample.Replace("Need a replacement laptop", "Laptop für Zoë & co", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        // Relaxed escaping (ApiJsonContext.ResponseEncoder) on the writer, which the default encoder would turn into \u003C, \u00FC, \u0026.
        Assert.Contains("\"<p>Current laptop battery no longer holds charge.</p>\"", raw);
        Assert.Contains("\"<2week\"", raw);
        Assert.Contains("\"Laptop für Zoë & co\"", raw);
        Assert.DoesNotContain("\\u00", raw);
    }

    [Fact]
    public async Task Contract_example_creates_a_ticket_in_the_contract_shape()
    {
        await using var api = await hosts.StartAsync();

        var response = await api.CreateAsync(Bodies.ContractExample);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.True(json.GetProperty("success").GetBoolean());
        Assert.Equal("ticket created successfully", json.GetProperty("message").GetString());
        Assert.Equal(200, json.GetProperty("status").GetInt32());
        Assert.Equal("CTC-0001", json.GetProperty("objectId").GetString());

        var ticket = json.GetProperty("ticket");
        Assert.True(Guid.TryParse(ticket.GetProperty("id").GetString(), out _));
        Assert.Equal(TestApi.Tenant, ticket.GetProperty("tenant_id").GetString());
        Assert.Equal("CTC-0001", ticket.GetProperty("object_id").GetString());
        var etag = ticket.GetProperty("etag").GetString()!;
        Assert.True(Guid.TryParse(etag, out _));
        Assert.Equal("Hardware request - new laptop", ticket.GetProperty("summary").GetString());

        var data = ticket.GetProperty("data");
        Assert.Equal("Need a replacement laptop", data.GetProperty(Bodies.TitleField).GetString());
        Assert.Equal("<p>Current laptop battery no longer holds charge.</p>", data.GetProperty(Bodies.DescriptionField).GetString());
        Assert.Equal("<2week", data.GetProperty(Bodies.NeededWithinField).GetString());
        Assert.Equal("23629", data.GetProperty("offerId").GetString());
        Assert.Equal(0, data.GetProperty("ccWatchers").GetArrayLength());
        Assert.Equal(0, data.GetProperty("toWatchers").GetArrayLength());
        Assert.Equal("user@example.com", data.GetProperty("submittedBy").GetString());
        var lastUpdatedBy = data.GetProperty("lastUpdatedBy");
        Assert.Equal("Doe", lastUpdatedBy.GetProperty("lastName").GetString());
        Assert.Equal("user@example.com", lastUpdatedBy.GetProperty("username").GetString());
        Assert.Equal("Jane", lastUpdatedBy.GetProperty("firstName").GetString());

        Assert.Equal("james", ticket.GetProperty("lookup_props").GetProperty("teamId").GetString());
        Assert.Equal("16910", ticket.GetProperty("lookup_props").GetProperty("itemTypeId").GetString());
        Assert.Equal(JsonValueKind.Null, ticket.GetProperty("moved_to").ValueKind);
        Assert.Equal(-1, ticket.GetProperty("deleted_seq").GetInt32());
        Assert.Equal(1, ticket.GetProperty("version").GetInt32());
        Assert.Equal("Open", ticket.GetProperty("status_type").GetString());
        Assert.Equal("To-do Category", ticket.GetProperty("status_category").GetString());
        Assert.Matches(IsoMillis(), ticket.GetProperty("created_at").GetString());
        Assert.Equal(ticket.GetProperty("created_at").GetString(), ticket.GetProperty("updated_at").GetString());
        Assert.Equal(1, ticket.GetProperty("id_serial").GetInt64());
        Assert.Equal(0, ticket.GetProperty("metrics").GetArrayLength());
        Assert.Equal(0, ticket.GetProperty("slas").GetArrayLength());
        Assert.Equal("api", ticket.GetProperty("source").GetString());
        Assert.Equal("template", ticket.GetProperty("type").GetString());
        Assert.Equal("ticketing", ticket.GetProperty("module").GetString());
        Assert.False(ticket.GetProperty("is_support_request").GetBoolean());

        Assert.Equal($"\"{etag}\"", response.Headers.ETag?.ToString());
        Assert.Equal("/api/v2/ticketing/ticket/CTC-0001", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Display_ids_count_per_prefix_and_id_serial_spans_the_tenant()
    {
        await using var api = await hosts.StartAsync();

        var first = await (await api.CreateAsync(Bodies.ContractExample)).JsonAsync();
        var incident = await (await api.CreateAsync(
            """{"source":"api","summary":"Outage","ticketBody":{"offerId":"23630","93aabbc9-fd45-407d-8569-b140bf9cc6a7":7},"attachments":{},"ticketRelation":null}""",
            path: "/api/v2/ticketing/ticket/create/james/16911?type=agent&module=ticketing")).JsonAsync();
        var second = await (await api.CreateAsync(Bodies.ContractExample)).JsonAsync();

        Assert.Equal("CTC-0001", first.GetProperty("objectId").GetString());
        Assert.Equal("REQ-0001", incident.GetProperty("objectId").GetString());
        Assert.Equal("CTC-0002", second.GetProperty("objectId").GetString());
        Assert.Equal(3, second.GetProperty("ticket").GetProperty("id_serial").GetInt64());
        Assert.Equal(7, incident.GetProperty("ticket").GetProperty("data").GetProperty(Bodies.NumberField).GetInt32());
    }

    [Fact]
    public async Task Fifty_concurrent_creates_get_fifty_distinct_consecutive_numbers()
    {
        await using var api = await hosts.StartAsync();
        var token = api.Token();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => api.CreateAsync(Bodies.ContractExample, token))));

        var ids = new List<string>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ids.Add((await response.JsonAsync()).GetProperty("objectId").GetString()!);
        }
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"CTC-{i:D4}"), ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Left_out_fields_take_a_valid_default_and_it_is_echoed()
    {
        await using var api = await hosts.StartAsync();

        var response = await api.CreateAsync(Bodies.Example(b => b.TicketBody().Remove(Bodies.NeededWithinField)));

        var data = (await response.JsonAsync()).GetProperty("ticket").GetProperty("data");
        Assert.Equal("2-4week", data.GetProperty(Bodies.NeededWithinField).GetString());
    }

    [Fact]
    public async Task An_optional_date_left_out_with_an_empty_default_is_simply_absent()
    {
        await using var api = await hosts.StartAsync();

        var response = await api.CreateAsync(
            """{"source":"api","summary":"Outage","ticketBody":{"offerId":"23630","93aabbc9-fd45-407d-8569-b140bf9cc6a7":1},"attachments":{},"ticketRelation":null}""",
            path: "/api/v2/ticketing/ticket/create/james/16911?type=template&module=ticketing");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.JsonAsync()).GetProperty("ticket").GetProperty("data");
        Assert.False(data.TryGetProperty(Bodies.UpdatedAtField, out _));
        Assert.False(data.GetProperty("4d9e2a71-6c3b-4f8e-b0d5-8a1c7e3f2b64").GetBoolean());
    }

    [Fact]
    public async Task Submitted_by_falls_back_to_the_username_and_the_support_flag_is_stored()
    {
        await using var api = await hosts.StartAsync();
        var token = api.Token(username: "jdoe", email: null);

        var response = await api.Client.SendAsync(api.Request(HttpMethod.Post, TestApi.CreatePath, token, Bodies.ContractExample, supportHeader: "true"));

        var ticket = (await response.JsonAsync()).GetProperty("ticket");
        Assert.Equal("jdoe", ticket.GetProperty("data").GetProperty("submittedBy").GetString());
        Assert.Equal("jdoe", ticket.GetProperty("data").GetProperty("lastUpdatedBy").GetProperty("username").GetString());
        Assert.True(ticket.GetProperty("is_support_request").GetBoolean());
    }

    [Fact]
    public async Task Tenant_admin_may_use_any_team_and_any_ticket_type()
    {
        await using var api = await hosts.StartAsync();
        var token = api.Token(roles: "tenant_admin", teams: "");

        var response = await api.CreateAsync(
            """{"source":"api","summary":"Pay","ticketBody":{"offerId":"23631","3a7c9e1b-5d2f-4b8a-8e6c-1f9d3b7a5c20":12.5,"6b1d8f3a-9c4e-4d7b-a2f5-7e0c9b4d1a36":"ACME"},"attachments":{},"ticketRelation":null}""",
            token, "/api/v2/ticketing/ticket/create/facilities/16912?type=user&module=ticketing");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ticket = (await response.JsonAsync()).GetProperty("ticket");
        Assert.Equal("PMT-0001", ticket.GetProperty("object_id").GetString());
        Assert.Equal("Pending Approval", ticket.GetProperty("status_type").GetString());
    }

    [Fact]
    public async Task Tenants_number_separately_and_never_see_each_others_catalog()
    {
        await using var api = await hosts.StartAsync();
        await api.CreateAsync(Bodies.ContractExample);
        var otherToken = api.Token(tenant: TestApi.OtherTenant, teams: "ops");

        var created = await api.Client.SendAsync(api.Request(HttpMethod.Post, "/api/v2/ticketing/ticket/create/ops/20001?type=template&module=ticketing", otherToken,
            """{"source":"api","summary":"Help","ticketBody":{"offerId":"30001","0e6f2c8a-1b4d-4e7a-9f3c-6d2a8b5e1c47":"please"},"attachments":{},"ticketRelation":null}""",
            tenantHeader: TestApi.OtherTenant));
        var types = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", otherToken, tenantHeader: TestApi.OtherTenant));
        var foreignTeam = await api.Client.SendAsync(api.Request(HttpMethod.Post, TestApi.CreatePath, api.Token(tenant: TestApi.OtherTenant, roles: "tenant_admin"),
            Bodies.ContractExample, tenantHeader: TestApi.OtherTenant));

        var ticket = (await created.JsonAsync()).GetProperty("ticket");
        Assert.Equal("OPS-0001", ticket.GetProperty("object_id").GetString());
        Assert.Equal(1, ticket.GetProperty("id_serial").GetInt64());
        Assert.Equal(TestApi.OtherTenant, ticket.GetProperty("tenant_id").GetString());
        Assert.Equal(["20001"], (await types.JsonAsync()).EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        // Tenant B's caller can't reach tenant A's team or item type at all.
        Assert.Equal(HttpStatusCode.NotFound, foreignTeam.StatusCode);
    }
}
