using System.Net;
using System.Text.RegularExpressions;
using TicketingFunctions.Functions;
using TicketingFunctions.Hosting;

namespace TicketingFunctions.Tests.Http;

/// <summary>
/// Every operation (every [HttpTrigger] function, so a new one can't be left out) refuses in the documented order,
/// token → headers → tenant → permission: each request below fixes one more thing than the one before, and each must be
/// refused by the next check with its status and error body. Only the API description, its reference page and the
/// health probes are anonymous, and they must answer without a token.
/// </summary>
public sealed class CheckOrderTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly HashSet<string> Anonymous =
        ["GetOpenApiYaml", "GetOpenApiJson", "GetApiDocs", "GetApiDocsAsset", "GetHealth", "GetHealthReady"];

    [Fact]
    public async Task Only_the_listed_anonymous_operations_answer_without_a_token()
    {
        var api = fixture.Api;
        foreach (var function in FunctionEndpoints.Discover(typeof(RequestPipeline).Assembly).Where(f => Anonymous.Contains(f.Name)))
        {
            var path = function.Name == "GetApiDocsAsset" ? "/api/docs/swagger-ui.css" : PathOf(function.Route);
            var response = await api.Client.SendAsync(new HttpRequestMessage(new HttpMethod(function.Methods[0]), path));
            // The reference page may be turned off in this host (404); what matters is that no token is asked for.
            Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound && function.Name.StartsWith("GetApiDocs"),
                $"{function.Name} {path}: {(int)response.StatusCode}");
            Assert.Empty(response.Headers.WwwAuthenticate);
        }
    }

    public static TheoryData<string> Operations()
    {
        var data = new TheoryData<string>();
        foreach (var function in FunctionEndpoints.Discover(typeof(RequestPipeline).Assembly).Where(f => !Anonymous.Contains(f.Name)))
            data.Add(function.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Every_operation_refuses_token_then_headers_then_tenant_then_permission(string name)
    {
        var api = fixture.Api;
        var function = FunctionEndpoints.Discover(typeof(RequestPipeline).Assembly).Single(f => f.Name == name);
        var method = new HttpMethod(function.Methods[0]);
        var path = PathOf(function.Route);
        var body = method == HttpMethod.Post || method == HttpMethod.Patch ? "{" : null;
        var noScope = api.Token(roles: "ticket_agent", scope: "openid");

        // 1. No token (and every later check failing too): 401 AUTHENTICATION_FAILURE.
        var response = await api.Client.SendAsync(api.Request(method, path, null, body, tenantHeader: null!, realmHeader: null));
        await AssertRefused(response, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE", "The access token is missing, invalid or expired");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);

        // 2. A valid token, without x-tenantid (wrong tenant and no permission either): 400, keyed by the header.
        response = await api.Client.SendAsync(api.Request(method, path, noScope, body, tenantHeader: null!));
        var error = await AssertRefused(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE", null);
        Assert.Equal(["Header x-tenantid is required"], error.Reasons("x-tenantid"));

        // 3. Well-formed headers naming another tenant than the token's: 404 TENANT_NOT_FOUND.
        response = await api.Client.SendAsync(api.Request(method, path, noScope, body, tenantHeader: TestApi.OtherTenant));
        await AssertRefused(response, HttpStatusCode.NotFound, "TENANT_NOT_FOUND", "Tenant not found");

        // 4. The token's own tenant, but no scope: 401 USER_PERMISSION_FAILURE.
        response = await api.Client.SendAsync(api.Request(method, path, noScope, body));
        error = await AssertRefused(response, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", null);
        Assert.StartsWith("You do not have the required permissions to ", error.GetProperty("message").GetString());

        // 5. An agent (and tenant admin, for the admins' operations) with both scopes passes the pipeline: whatever the
        // operation answers, it is none of its refusals.
        response = await api.Client.SendAsync(api.Request(method, path, api.Token(roles: "ticket_agent,tenant_admin", scope: "tickets:read tickets:write"), body));
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && (int)response.StatusCode >= 400)
        {
            var code = (await response.JsonAsync()).GetProperty("code").GetString();
            Assert.DoesNotContain(code, new[] { "AUTHENTICATION_FAILURE", "USER_PERMISSION_FAILURE", "TENANT_NOT_FOUND" });
        }
    }

    private static async Task<System.Text.Json.JsonElement> AssertRefused(HttpResponseMessage response, HttpStatusCode status, string code, string? message)
    {
        Assert.Equal(status, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        if (message is not null) Assert.Equal(message, json.GetProperty("message").GetString());
        return json;
    }

    /// <summary>The route with its parameters filled in (a team and type of the sample catalog, a display id) and create's query.</summary>
    private static string PathOf(string route)
    {
        var path = Regex.Replace(route, @"\{(\w+)(:[^}]*\))?\}|\{(\w+)[^}]*\}", m => (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[3].Value) switch
        {
            "teamId" => "james",
            "itemTypeId" => "16910",
            "objectId" => "CTC-0001",
            "attachmentId" => "0f8fad5b-d9cb-469f-a165-70867728950e",
            "commentId" => "3f2c8a4e-1b7d-4c6e-9a2f-5d8e7b6c4a10",
            "webhookId" => "wh_0123456789abcdef0123456789abcdef",
            var other => throw new InvalidOperationException($"No value for route parameter {other}: add one here"),
        });
        return "/api/" + path + (route == Routes.CreateTicket ? "?type=template&module=ticketing" : "");
    }
}
