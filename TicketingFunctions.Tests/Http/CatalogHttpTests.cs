using System.Net;
using System.Text.Json;

namespace TicketingFunctions.Tests.Http;

public sealed class CatalogHttpOnEmbeddedStore() : CatalogHttpTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class CatalogHttpOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : CatalogHttpTests(new CosmosHosts(emulator));

public abstract class CatalogHttpTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private Task<HttpResponseMessage> Get(string path, string? token, string tenant = TestApi.Tenant, string? realm = TestApi.Realm) =>
        Api.Client.SendAsync(Api.Request(HttpMethod.Get, path, token, tenantHeader: tenant, realmHeader: realm));

    [Fact]
    public async Task Ticket_types_list_fields_with_ids_types_and_a_default_value_always_present()
    {
        var response = await Get("/api/v2/ticketing/ticket-type", Api.Token(scope: "tickets:read"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var types = (await response.JsonAsync()).EnumerateArray().ToArray();
        Assert.Equal(["16910", "16911", "16912"], types.Select(t => t.GetProperty("id").GetString()));
        var hardware = types[0];
        Assert.Equal("Hardware Request", hardware.GetProperty("name").GetString());
        Assert.Equal("CTC", hardware.GetProperty("prefix").GetString());
        Assert.Equal(["ticket_agent", "ticket_user", "tenant_admin"], hardware.GetProperty("allowedRoles").EnumerateArray().Select(r => r.GetString()));

        var fields = hardware.GetProperty("fields").EnumerateArray().ToArray();
        Assert.Equal([Bodies.TitleField, Bodies.DescriptionField, Bodies.NeededWithinField], fields.Select(f => f.GetProperty("id").GetString()));
        Assert.All(fields, f => Assert.True(f.TryGetProperty("defaultValue", out _)));
        Assert.Equal(JsonValueKind.Null, fields[0].GetProperty("defaultValue").ValueKind);
        Assert.Equal("text", fields[0].GetProperty("type").GetString());
        Assert.True(fields[0].GetProperty("required").GetBoolean());
        Assert.Equal(200, fields[0].GetProperty("maxLength").GetInt32());
        Assert.Equal(["<2week", "2-4week", ">1month"], fields[2].GetProperty("options").EnumerateArray().Select(o => o.GetString()));

        var incident = types[1].GetProperty("fields").EnumerateArray().ToArray();
        Assert.Equal("", incident[1].GetProperty("defaultValue").GetString());
        Assert.Equal(1000000, incident[0].GetProperty("max").GetInt32());
    }

    [Fact]
    public async Task Offers_list_id_name_item_type_and_team()
    {
        var response = await Get("/api/v2/ticketing/tenant/sc/offers", Api.Token(scope: "tickets:write"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var offers = (await response.JsonAsync()).EnumerateArray().ToArray();
        Assert.Equal(["23629", "23630", "23631"], offers.Select(o => o.GetProperty("id").GetString()));
        Assert.Equal(["16910", "16911", "16912"], offers.Select(o => o.GetProperty("item_type").GetString()));
        Assert.Equal("james", offers[0].GetProperty("teamId").GetString());
        Assert.False(string.IsNullOrEmpty(offers[0].GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("/api/v2/ticketing/ticket-type")]
    [InlineData("/api/v2/ticketing/tenant/sc/offers")]
    public async Task Discovery_needs_a_token_headers_the_tenant_and_a_ticket_scope(string path)
    {
        var noToken = await Get(path, null);
        var noRealm = await Get(path, Api.Token(), realm: null);
        var otherTenant = await Get(path, Api.Token(), tenant: TestApi.OtherTenant);
        var noScope = await Get(path, Api.Token(scope: "openid profile"));

        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal("AUTHENTICATION_FAILURE", (await noToken.JsonAsync()).GetProperty("code").GetString());
        Assert.Equal(["Header realmname is required"], (await noRealm.JsonAsync()).Reasons("realmname"));
        Assert.Equal("Tenant not found", (await otherTenant.JsonAsync()).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, noScope.StatusCode);
        Assert.Equal("USER_PERMISSION_FAILURE", (await noScope.JsonAsync()).GetProperty("code").GetString());
    }
}
