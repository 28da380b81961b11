using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.Observability;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Auth;

/// <summary>Tokens that validate cryptographically but say something ambiguous or unknown: refused, or granted nothing.</summary>
public sealed class StrictTokenTests : IAsyncLifetime
{
    private TestApi _api = null!;
    public async Task InitializeAsync() => _api = await TestApi.StartAsync();
    public async Task DisposeAsync() => await _api.DisposeAsync();

    private SigningCredentials DevCredentials => new(DevSigningKey.FromOptions(_api.Auth), SecurityAlgorithms.HmacSha256);

    /// <summary>A payload written as raw JSON text (so it can name a claim twice), signed with the dev key.</summary>
    private string SignedPayload(string claimsJson)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = $$"""{"iss":"{{RealmAuthentication.IssuerFor(_api.Auth, TestApi.Realm)}}","aud":"{{_api.Auth.Audience}}","iat":{{now}},"nbf":{{now}},"exp":{{now + 600}},{{claimsJson}}}""";
        return new JsonWebTokenHandler().CreateToken(payload, DevCredentials);
    }

    private const string UserClaimsJson = """
        "scope":"tickets:read tickets:write","realm_access":{"roles":["ticket_user"]},"teams":["james"],"preferred_username":"mallory","sub":"mallory"
        """;

    [Fact]
    public async Task The_same_claims_without_tricks_are_accepted()
    {
        var response = await _api.CreateAsync(Bodies.ContractExample, SignedPayload($$"""{{UserClaimsJson}},"tenant_id":"{{TestApi.Tenant}}" """));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_token_with_a_crit_header_is_refused_with_401()
    {
        var token = _api.TokenWithClaims(TestApi.UserClaims(), new Dictionary<string, object> { ["crit"] = new[] { "x-unknown" }, ["x-unknown"] = true });
        Assert.True(new JsonWebToken(token).TryGetHeaderValue<object>("crit", out _));

        await AssertError(await _api.CreateAsync(Bodies.ContractExample, token), HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
        await AssertError(await _api.GetHistoryAsync("CTC-0001", token), HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Theory]
    [InlineData("tenant_id")]
    [InlineData("sub")]
    [InlineData("realm_access")]
    public async Task A_payload_naming_a_claim_twice_is_refused_with_401(string repeated)
    {
        var second = repeated switch
        {
            "tenant_id" => $"\"tenant_id\":\"{TestApi.OtherTenant}\"",
            "sub" => "\"sub\":\"someone-else\"",
            _ => """ "realm_access":{"roles":["tenant_admin"]} """,
        };
        var token = SignedPayload($$"""{{UserClaimsJson}},"tenant_id":"{{TestApi.Tenant}}",{{second}}""");

        await AssertError(await _api.CreateAsync(Bodies.ContractExample, token), HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task Realm_access_given_as_a_string_grants_no_roles()
    {
        var claims = TestApi.UserClaims();
        claims["realm_access"] = """{"roles":["tenant_admin","ticket_user"]}""";

        var response = await _api.CreateAsync(Bodies.ContractExample, _api.TokenWithClaims(claims));

        Assert.Equal(
            """{"error":true,"code":"USER_PERMISSION_FAILURE","message":"You do not have the required permissions to create ticket","status":401}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_upper_case_tenant_claim_is_the_same_tenant_and_is_stored_in_lower_case()
    {
        var token = _api.TokenWithClaims(TestApi.UserClaims(TestApi.Tenant.ToUpperInvariant()));

        var created = await _api.CreateTicketAsync(token: token);
        var read = await _api.GetTicketAsync("CTC-0001", token, tenantHeader: TestApi.Tenant.ToUpperInvariant());

        Assert.Equal(TestApi.Tenant, created.GetProperty("tenant_id").GetString());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.NotNull(await _api.Services.GetRequiredService<ITicketStore>().GetTicketAsync(TestApi.Tenant, "CTC-0001", default));
    }
}

/// <summary>A refused token writes one line, without a stack, under both hosts' logging defaults.</summary>
public sealed class RefusedTokenLoggingTests
{
    private static readonly string[] RefusedTokens =
    [
        "not-a-jwt",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",   // well-formed, badly signed
    ];

    private static void AssertOneLinePerToken(CapturingLoggerProvider logs)
    {
        var lines = logs.Lines.ToArray();
        Assert.Equal(RefusedTokens.Length, lines.Count(l => l.Contains("Refused the request's bearer token", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains("Failed to validate the token", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("\n", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Standalone_host()
    {
        var logs = new CapturingLoggerProvider();
        await using var api = await TestApi.StartAsync(services: s => s.AddLogging(b => b.AddProvider(logs)));
        foreach (var token in RefusedTokens)
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.CreateAsync(Bodies.ContractExample, token)).StatusCode);
        AssertOneLinePerToken(logs);
    }

    [Fact]
    public async Task Functions_worker()
    {
        var logs = new CapturingLoggerProvider();
        // The settings as command-line arguments, which the worker's builder reads before the services are registered.
        var settings = TestApi.DefaultSettings(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var builder = TicketingFunctions.Hosting.FunctionsWorkerHost.CreateBuilder([.. settings.Select(s => $"--{s.Key}={s.Value}")]);
        builder.Services.AddLogging(b => b.AddProvider(logs));
        using var host = builder.Build();
        var authenticator = host.Services.GetRequiredService<RequestAuthenticator>();
        foreach (var token in RefusedTokens)
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = host.Services };
            context.Request.Headers.Authorization = "Bearer " + token;
            context.Request.Headers["realmname"] = "demo";
            Assert.Null(await authenticator.AuthenticateAsync(context));
        }
        AssertOneLinePerToken(logs);
    }
}
