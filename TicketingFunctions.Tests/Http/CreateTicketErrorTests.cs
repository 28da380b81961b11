using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Tests.Http;

/// <summary>Every row of the contract's error table, in the order of checks.</summary>
public sealed class CreateTicketErrorsOnEmbeddedStore() : CreateTicketErrorTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class CreateTicketErrorsOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : CreateTicketErrorTests(new CosmosHosts(emulator));

public abstract class CreateTicketErrorTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string code, string? message = null)
    {
        Assert.Equal(status, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.True(json.GetProperty("error").GetBoolean());
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        if (message is not null) Assert.Equal(message, json.GetProperty("message").GetString());
        else Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("message").GetString()));
    }

    private Task<HttpResponseMessage> Send(string? token, string body = Bodies.ContractExample, string path = TestApi.CreatePath,
        string tenantHeader = TestApi.Tenant, string? realmHeader = TestApi.Realm, string? supportHeader = "false") =>
        Api.Client.SendAsync(Api.Request(HttpMethod.Post, path, token, body, tenantHeader, realmHeader, supportHeader));

    // --- 401 AUTHENTICATION_FAILURE ---

    public static TheoryData<string> BadTokens => new() { "missing", "malformed", "other-key", "expired", "not-yet-valid", "wrong-audience", "realm-not-allowed", "issuer-of-another-realm" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Invalid_tokens_get_401_authentication_failure_with_a_bearer_challenge(string kind)
    {
        var otherKey = new AuthOptions { IssuerTemplate = Api.Auth.IssuerTemplate, Audience = Api.Auth.Audience, DevSigningKey = Convert.ToBase64String(new byte[32]) };
        string? token = kind switch
        {
            "missing" => null,
            "malformed" => "not-a-jwt",
            "other-key" => DevTokenIssuer.Issue(otherKey, new DevTokenRequest(TestApi.Tenant, "demo", ["ticket_user"], ["james"], "tickets:write")),
            "expired" => Api.Token(now: DateTime.UtcNow.AddHours(-2), lifetime: TimeSpan.FromHours(1)),
            "not-yet-valid" => Api.Token(now: DateTime.UtcNow.AddHours(1)),
            "wrong-audience" => DevTokenIssuer.Issue(new AuthOptions { IssuerTemplate = Api.Auth.IssuerTemplate, Audience = "someone-else", DevSigningKey = Api.Auth.DevSigningKey },
                new DevTokenRequest(TestApi.Tenant, "demo", ["ticket_user"], ["james"], "tickets:write")),
            "realm-not-allowed" => Api.Token(realm: "evil"),
            "issuer-of-another-realm" => Api.Token(realm: "other"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var realmHeader = kind == "realm-not-allowed" ? "evil" : TestApi.Realm;

        var response = await Send(token, realmHeader: realmHeader);

        await AssertError(response, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Token_check_comes_before_header_and_body_checks()
    {
        var response = await Send(null, body: "{", tenantHeader: "not-a-uuid", realmHeader: null);
        await AssertError(response, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    // --- 400 for headers and query parameters ---

    [Theory]
    [InlineData("x-tenantid", "/api/v2/ticketing/ticket/create/james/16910?type=template&module=ticketing", "", "demo", "false", "Header x-tenantid is required")]
    [InlineData("x-tenantid", "/api/v2/ticketing/ticket/create/james/16910?type=template&module=ticketing", "not-a-uuid", "demo", "false", "Header x-tenantid must be a UUID")]
    [InlineData("realmname", "/api/v2/ticketing/ticket/create/james/16910?type=template&module=ticketing", TestApi.Tenant, null, "false", "Header realmname is required")]
    [InlineData("issupportrequest", "/api/v2/ticketing/ticket/create/james/16910?type=template&module=ticketing", TestApi.Tenant, "demo", "maybe", "Header issupportrequest must be true or false")]
    [InlineData("type", "/api/v2/ticketing/ticket/create/james/16910?type=bogus&module=ticketing", TestApi.Tenant, "demo", "false", "Query parameter type must be one of: template, agent, user")]
    [InlineData("type", "/api/v2/ticketing/ticket/create/james/16910?module=ticketing", TestApi.Tenant, "demo", "false", "Query parameter type is required")]
    [InlineData("module", "/api/v2/ticketing/ticket/create/james/16910?type=template", TestApi.Tenant, "demo", "false", "Query parameter module is required")]
    public async Task Missing_or_malformed_headers_and_query_get_400_keyed_by_name(string key, string path, string tenant, string? realm, string support, string message)
    {
        var response = await Send(Api.Token(), path: path, tenantHeader: tenant, realmHeader: realm, supportHeader: support);

        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        var json = await response.JsonAsync();
        Assert.False(json.GetProperty("validationResult").GetProperty("result").GetBoolean());
        Assert.Equal([message], json.Reasons(key));
    }

    [Fact]
    public async Task Issupportrequest_may_be_left_out()
    {
        var response = await Send(Api.Token(), supportHeader: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // --- 404 Tenant not found ---

    [Fact]
    public async Task Tenant_header_that_differs_from_the_token_gets_404_tenant_not_found()
    {
        var response = await Send(Api.Token(), tenantHeader: TestApi.OtherTenant);
        await AssertError(response, HttpStatusCode.NotFound, "TENANT_NOT_FOUND", "Tenant not found");
    }

    [Fact]
    public async Task Unknown_tenant_gets_404_tenant_not_found()
    {
        var unknown = Guid.NewGuid().ToString();
        var response = await Send(Api.Token(tenant: unknown), tenantHeader: unknown);
        await AssertError(response, HttpStatusCode.NotFound, "TENANT_NOT_FOUND", "Tenant not found");
    }

    // --- 401 USER_PERMISSION_FAILURE ---

    [Theory]
    [InlineData("uma_authorization,offline_access", "tickets:write")] // a service account: the scope without a write role
    [InlineData("ticket_user", "tickets:read")]                       // a write role without the scope
    public async Task Missing_scope_or_write_role_gets_the_contracts_permission_failure(string roles, string scope)
    {
        var response = await Send(Api.Token(roles: roles, scope: scope));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            """{"error":true,"code":"USER_PERMISSION_FAILURE","message":"You do not have the required permissions to create ticket","status":401}""",
            await response.Content.ReadAsStringAsync());
    }

    // --- 404 HTML ---

    [Theory]
    [InlineData("/api/v2/ticketing/ticket/create/nobody/16910?type=template&module=ticketing", "Team nobody not found")]
    [InlineData("/api/v2/ticketing/ticket/create/james/99999?type=template&module=ticketing", "Item type 99999 not found")]
    public async Task Unknown_team_or_item_type_gets_404_with_an_html_body(string path, string message)
    {
        var response = await Send(Api.Token(), path: path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains(message, html);
    }

    [Fact]
    public async Task Html_404_encodes_what_the_path_carried()
    {
        var response = await Send(Api.Token(roles: "tenant_admin"), path: "/api/v2/ticketing/ticket/create/%3Cscript%3E/16910?type=template&module=ticketing");
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    // --- 403 ---

    [Fact]
    public async Task Team_outside_the_tokens_teams_gets_403_naming_the_team()
    {
        var response = await Send(Api.Token(teams: "facilities"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("""{"error":true,"code":"FORBIDDEN","message":"Your teams do not include team james","status":403}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ticket_type_the_roles_cannot_use_gets_403_naming_the_type()
    {
        var response = await Send(Api.Token(roles: "ticket_user", teams: "facilities"),
            """{"source":"api","summary":"Pay","ticketBody":{"offerId":"23631","3a7c9e1b-5d2f-4b8a-8e6c-1f9d3b7a5c20":1,"6b1d8f3a-9c4e-4d7b-a2f5-7e0c9b4d1a36":"ACME"},"attachments":{},"ticketRelation":null}""",
            "/api/v2/ticketing/ticket/create/facilities/16912?type=template&module=ticketing");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("""{"error":true,"code":"FORBIDDEN","message":"Your roles may not use ticket type 16912","status":403}""", await response.Content.ReadAsStringAsync());
    }

    // --- 400 body validation ---

    [Fact]
    public async Task Contract_validation_example_reports_both_fields_with_the_contracts_messages()
    {
        var response = await Send(Api.Token(),
            """{"source":"api","summary":"Outage","ticketBody":{"offerId":"23630","5b53c791-e047-40e8-9e88-bae13f153cc3":"yesterday"},"attachments":{},"ticketRelation":null}""",
            "/api/v2/ticketing/ticket/create/james/16911?type=template&module=ticketing");

        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE", "There occured an error during ticket data validation");
        var json = await response.JsonAsync();
        Assert.Equal(["Field Number is required"], json.Reasons(Bodies.NumberField));
        Assert.Equal(["You have entered an invalid date value for Updated At, expects a proper date string"], json.Reasons(Bodies.UpdatedAtField));
    }

    [Fact]
    public async Task Empty_string_date_is_rejected_even_though_the_template_defaults_to_it()
    {
        var response = await Send(Api.Token(),
            """{"source":"api","summary":"Outage","ticketBody":{"offerId":"23630","93aabbc9-fd45-407d-8569-b140bf9cc6a7":3,"5b53c791-e047-40e8-9e88-bae13f153cc3":""},"attachments":{},"ticketRelation":null}""",
            "/api/v2/ticketing/ticket/create/james/16911?type=template&module=ticketing");

        var json = await response.JsonAsync();
        Assert.Equal([Bodies.UpdatedAtField], json.ReasonKeys());
        Assert.Equal(["You have entered an invalid date value for Updated At, expects a proper date string"], json.Reasons(Bodies.UpdatedAtField));
    }

    [Fact]
    public async Task Offer_of_another_item_type_is_a_validation_failure()
    {
        var response = await Send(Api.Token(), Bodies.Example(b => b.TicketBody()["offerId"] = "23630"));
        var json = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["Offer 23630 is for item type 16911, not 16910"], json.Reasons("offerId"));
    }

    [Theory]
    [InlineData("missing", "Field offerId is required")]
    [InlineData("number", "Field offerId must be a string")]
    [InlineData("unknown", "Offer 99999 does not exist")]
    public async Task OfferId_is_a_required_string_naming_an_existing_offer(string kind, string message)
    {
        var body = Bodies.Example(b =>
        {
            if (kind == "missing") b.TicketBody().Remove("offerId");
            else b.TicketBody()["offerId"] = kind == "number" ? JsonValue.Create(23629) : "99999";
        });
        var json = await (await Send(Api.Token(), body)).JsonAsync();
        Assert.Equal([message], json.Reasons("offerId"));
    }

    [Theory]
    [InlineData("attachments", "Field attachments is required")]
    [InlineData("ticketRelation", "Field ticketRelation is required")]
    [InlineData("source", "Field source is required")]
    [InlineData("summary", "Field summary is required")]
    public async Task Every_top_level_key_is_required(string key, string message)
    {
        var response = await Send(Api.Token(), Bodies.Example(b => b.Remove(key)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([message], (await response.JsonAsync()).Reasons(key));
    }

    [Fact]
    public async Task Wrong_types_for_top_level_keys_are_all_reported_at_once()
    {
        var response = await Send(Api.Token(), """{"source":5,"summary":["x"],"ticketBody":{"offerId":"23629","ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53":"t"},"attachments":[],"ticketRelation":"parent"}""");

        var json = await response.JsonAsync();
        Assert.Equal(["Field source must be a string"], json.Reasons("source"));
        Assert.Equal(["Field summary must be a string"], json.Reasons("summary"));
        Assert.Equal(["Field attachments must be an object keyed by attachment id"], json.Reasons("attachments"));
        Assert.Equal(["Field ticketRelation must be null or an object"], json.Reasons("ticketRelation"));
    }

    [Fact]
    public async Task Field_failures_and_unknown_keys_are_all_reported_at_once()
    {
        var body = Bodies.Example(b =>
        {
            b.TicketBody().Remove(Bodies.TitleField);
            b.TicketBody()[Bodies.NeededWithinField] = "tomorrow";
            b.TicketBody()["00000000-0000-0000-0000-000000000000"] = "x";
            b["summary"] = new string('s', 256);
        });
        var json = await (await Send(Api.Token(), body)).JsonAsync();

        Assert.Equal(["Field Title is required"], json.Reasons(Bodies.TitleField));
        Assert.Equal(["You have selected an invalid option for Needed Within, expects one of: <2week, 2-4week, >1month"], json.Reasons(Bodies.NeededWithinField));
        Assert.Equal(["Field 00000000-0000-0000-0000-000000000000 is not defined for ticket type Hardware Request"], json.Reasons("00000000-0000-0000-0000-000000000000"));
        Assert.Equal(["Field summary must be at most 255 characters long"], json.Reasons("summary"));
    }

    [Theory]
    [InlineData("{", "Request body is not valid JSON")]
    [InlineData("", "Request body is not valid JSON")]
    [InlineData("[1,2]", "Request body must be a JSON object")]
    [InlineData("\"text\"", "Request body must be a JSON object")]
    [InlineData("""{"source":"api","summary":"s","ticketBody":[],"attachments":{},"ticketRelation":null}""", "Field ticketBody must be an object")]
    public async Task Malformed_bodies_get_400_never_500(string body, string message)
    {
        var response = await Send(Api.Token(), body);
        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        Assert.Contains(message, (await response.JsonAsync()).Reasons("body"));
    }

    [Fact]
    public async Task A_key_repeated_inside_a_field_value_is_refused_on_create_as_on_update()
    {
        var response = await Send(Api.Token(),
            """{"source":"api","summary":"s","ticketBody":{"offerId":"23629","ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53":{"k":1,"k":2}},"attachments":{},"ticketRelation":null}""");
        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        Assert.Equal(["Field Title repeats a key"], (await response.JsonAsync()).Reasons(Bodies.TitleField));
    }

    [Fact]
    public async Task Duplicate_keys_are_refused_by_key()
    {
        var response = await Send(Api.Token(),
            """{"source":"api","summary":"s","ticketBody":{"offerId":"23629","ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53":"a","ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53":"b"},"attachments":{"a":1,"a":2},"ticketRelation":null}""");
        var json = await response.JsonAsync();
        Assert.Equal(["Field Title is given more than once"], json.Reasons(Bodies.TitleField));
        Assert.Equal(["Field attachments repeats a key"], json.Reasons("attachments"));
    }

    [Fact]
    public async Task A_refused_create_uses_up_no_display_number()
    {
        await using var api = await hosts.StartAsync();
        await api.CreateAsync(Bodies.Example(b => b.Remove("source")));
        var ok = await (await api.CreateAsync(Bodies.ContractExample)).JsonAsync();
        Assert.Equal("CTC-0001", ok.GetProperty("objectId").GetString());
    }
}
