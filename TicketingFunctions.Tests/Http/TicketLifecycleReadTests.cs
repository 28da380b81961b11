using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

/// <summary>GET /api/v2/ticketing/ticket/{objectId}: the create shape, the ETag header, and create's order of checks.</summary>
public sealed class TicketLifecycleReadOnEmbeddedStore() : TicketLifecycleReadTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class TicketLifecycleReadOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : TicketLifecycleReadTests(new CosmosHosts(emulator));

public abstract class TicketLifecycleReadTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    internal const string PaymentPath = "/api/v2/ticketing/ticket/create/facilities/16912?type=user&module=ticketing";
    internal const string PaymentBody = """{"source":"api","summary":"Pay","ticketBody":{"offerId":"23631","3a7c9e1b-5d2f-4b8a-8e6c-1f9d3b7a5c20":12.5,"6b1d8f3a-9c4e-4d7b-a2f5-7e0c9b4d1a36":"ACME"},"attachments":{},"ticketRelation":null}""";
    internal const string OtherTenantPath = "/api/v2/ticketing/ticket/create/ops/20001?type=template&module=ticketing";
    internal const string OtherTenantBody = """{"source":"api","summary":"Help","ticketBody":{"offerId":"30001","0e6f2c8a-1b4d-4e7a-9f3c-6d2a8b5e1c47":"please"},"attachments":{},"ticketRelation":null}""";

    [Fact]
    public async Task Read_answers_the_created_ticket_in_the_create_shape_with_its_etag_header()
    {
        var created = await Api.CreateTicketAsync();
        var objectId = created.GetProperty("object_id").GetString()!;

        var response = await Api.GetTicketAsync(objectId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(["success", "status", "ticket"], json.EnumerateObject().Select(p => p.Name));
        Assert.True(json.GetProperty("success").GetBoolean());
        Assert.Equal(200, json.GetProperty("status").GetInt32());
        var ticket = json.GetProperty("ticket");
        // Exactly the ticket create answered: same keys, same values, and no stored-only member such as change_history.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(created.GetRawText()), JsonNode.Parse(ticket.GetRawText())),
            $"create: {created.GetRawText()}\nread:   {ticket.GetRawText()}");
        Assert.False(ticket.TryGetProperty("change_history", out _));
        Assert.Equal($"\"{created.GetProperty("etag").GetString()}\"", response.ETagHeader());
    }

    [Fact]
    public async Task Read_needs_only_the_read_scope_but_still_a_role_the_ticket_type_allows()
    {
        var objectId = (await Api.CreateTicketAsync()).GetProperty("object_id").GetString()!;

        var reader = await Api.GetTicketAsync(objectId, Api.Token(roles: "ticket_user", scope: "tickets:read"));
        var roleless = await Api.GetTicketAsync(objectId, Api.Token(roles: "uma_authorization", scope: "tickets:read"));

        Assert.Equal(HttpStatusCode.OK, reader.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, roleless.StatusCode);
    }

    [Fact]
    public async Task An_unknown_object_id_gets_the_ticket_not_found_json()
    {
        var response = await Api.GetTicketAsync("CTC-9999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TicketNotFoundBody, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Another_tenants_ticket_is_indistinguishable_from_a_missing_one_by_object_id_or_id()
    {
        var foreign = await Api.CreateTicketAsync(OtherTenantBody, Api.Token(tenant: TestApi.OtherTenant, teams: "ops"), OtherTenantPath, TestApi.OtherTenant);
        var mine = await Api.CreateTicketAsync();
        var admin = Api.Token(roles: "tenant_admin");

        var missing = await Api.GetTicketAsync("OPS-9999", admin);
        var byObjectId = await Api.GetTicketAsync(foreign.GetProperty("object_id").GetString()!, admin);
        var byId = await Api.GetTicketAsync(foreign.GetProperty("id").GetString()!, admin);
        // And the other way round: tenant B's admin asks for tenant A's ticket in its own tenant.
        var reverse = await Api.GetTicketAsync(mine.GetProperty("object_id").GetString()!,
            Api.Token(tenant: TestApi.OtherTenant, roles: "tenant_admin"), tenantHeader: TestApi.OtherTenant);
        var reverseById = await Api.GetTicketAsync(mine.GetProperty("id").GetString()!,
            Api.Token(tenant: TestApi.OtherTenant, roles: "tenant_admin"), tenantHeader: TestApi.OtherTenant);

        foreach (var response in new[] { missing, byObjectId, byId, reverse, reverseById })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(TicketNotFoundBody, await response.Content.ReadAsStringAsync());
            Assert.Null(response.Headers.ETag);
        }
    }

    [Fact]
    public async Task Read_updates_and_history_of_another_tenants_ticket_all_answer_not_found()
    {
        var foreign = await Api.CreateTicketAsync(OtherTenantBody, Api.Token(tenant: TestApi.OtherTenant, teams: "ops"), OtherTenantPath, TestApi.OtherTenant);
        var objectId = foreign.GetProperty("object_id").GetString()!;
        var admin = Api.Token(roles: "tenant_admin");

        var patch = await Api.PatchAsync(objectId, Patch(foreign.GetProperty("etag").GetString(), "\"summary\":\"hijacked\""), admin);
        var history = await Api.GetHistoryAsync(objectId, admin);

        Assert.Equal(TicketNotFoundBody, await patch.Content.ReadAsStringAsync());
        Assert.Equal(TicketNotFoundBody, await history.Content.ReadAsStringAsync());
        var owner = await (await Api.GetTicketAsync(objectId, Api.Token(tenant: TestApi.OtherTenant, teams: "ops"), TestApi.OtherTenant)).JsonAsync();
        Assert.Equal("Help", owner.GetProperty("ticket").GetProperty("summary").GetString());
    }

    // --- the order of checks ---

    [Fact]
    public async Task No_token_gets_401_before_any_other_check()
    {
        var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, TicketPath("CTC-9999"), token: null, tenantHeader: "not-a-uuid", realmHeader: null));

        await AssertError(response, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Malformed_headers_get_400_keyed_by_header_before_the_tenant_check()
    {
        var response = await Api.GetTicketAsync("CTC-9999", Api.Token(tenant: Guid.NewGuid().ToString()), tenantHeader: "not-a-uuid", realmHeader: null);

        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        var json = await response.JsonAsync();
        Assert.Equal(["Header x-tenantid must be a UUID"], json.Reasons("x-tenantid"));
        Assert.Equal(["Header realmname is required"], json.Reasons("realmname"));
    }

    [Fact]
    public async Task A_tenant_header_other_than_the_tokens_gets_tenant_not_found()
    {
        var response = await Api.GetTicketAsync("CTC-0001", tenantHeader: TestApi.OtherTenant);
        await AssertError(response, HttpStatusCode.NotFound, "TENANT_NOT_FOUND", "Tenant not found");
    }

    [Fact]
    public async Task No_read_scope_gets_the_permission_failure_worded_for_reading_before_the_ticket_lookup()
    {
        var response = await Api.GetTicketAsync("CTC-9999", Api.Token(scope: "profile"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            """{"error":true,"code":"USER_PERMISSION_FAILURE","message":"You do not have the required permissions to read ticket","status":401}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_missing_ticket_is_404_even_for_a_caller_outside_every_team()
    {
        var response = await Api.GetTicketAsync("CTC-9999", Api.Token(teams: ""));
        Assert.Equal(TicketNotFoundBody, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_ticket_of_a_team_outside_the_tokens_teams_gets_403_naming_the_team()
    {
        var objectId = (await Api.CreateTicketAsync()).GetProperty("object_id").GetString()!;

        var response = await Api.GetTicketAsync(objectId, Api.Token(teams: "facilities"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("\"code\":\"FORBIDDEN\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_ticket_of_a_type_the_roles_cannot_use_gets_403_and_tenant_admin_may_read_it()
    {
        var payment = await Api.CreateTicketAsync(PaymentBody, Api.Token(roles: "tenant_admin", teams: ""), PaymentPath);
        var objectId = payment.GetProperty("object_id").GetString()!;

        var user = await Api.GetTicketAsync(objectId, Api.Token(roles: "ticket_user", teams: "facilities"));
        var agent = await Api.GetTicketAsync(objectId, Api.Token(roles: "ticket_agent", teams: "facilities"));
        var admin = await Api.GetTicketAsync(objectId, Api.Token(roles: "tenant_admin", teams: ""));

        Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        Assert.Contains("\"code\":\"FORBIDDEN\"", await user.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, agent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(objectId, (await admin.JsonAsync()).GetProperty("ticket").GetProperty("object_id").GetString());
    }

    [Fact]
    public async Task The_create_location_header_is_the_read_url()
    {
        var response = await Api.CreateAsync(Bodies.ContractExample);
        var location = response.Headers.Location!.ToString();

        var read = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, location, Api.Token()));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal((await response.JsonAsync()).GetProperty("objectId").GetString(),
            (await read.JsonAsync()).GetProperty("ticket").GetProperty("object_id").GetString());
    }
}
