using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using TicketingFunctions.Auth;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Auth;

/// <summary>Hostile tokens against a production-like host (realm RSA keys, no dev key): each gets the documented 401 or 404.</summary>
public sealed class TokenAttackTests : IAsyncLifetime
{
    private const string Issuer = "http://localhost:7071/realms/demo";
    private static readonly RSA Rsa = RSA.Create(2048);
    private static readonly RsaSecurityKey RealmKey = new(Rsa) { KeyId = "realm-key" };
    private TestApi _api = null!;

    public async Task InitializeAsync() => _api = await TestApi.StartAsync(
        s => s["Auth:DevSigningKey"] = "",
        services => services.PostConfigure<JwtBearerOptions>(RealmAuthentication.SchemeForRealm("demo"), o =>
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
            configuration.SigningKeys.Add(RealmKey);
            o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
        }));

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static Dictionary<string, object> Claims(string? tenant = TestApi.Tenant)
    {
        var claims = new Dictionary<string, object>
        {
            ["scope"] = "tickets:read tickets:write",
            ["realm_access"] = new Dictionary<string, object> { ["roles"] = new[] { "ticket_user" } },
            ["teams"] = new[] { "james" },
            ["preferred_username"] = "mallory",
        };
        if (tenant is not null) claims["tenant_id"] = tenant;
        return claims;
    }

    private static string Token(SigningCredentials? credentials, string issuer = Issuer, string audience = "ticketing-api",
        DateTime? notBefore = null, DateTime? expires = null, string? tenant = TestApi.Tenant)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore ?? now,
            NotBefore = notBefore ?? now,
            Expires = expires ?? now.AddMinutes(10),
            Claims = Claims(tenant),
            SigningCredentials = credentials,
        });
    }

    private static SigningCredentials Rs256 => new(RealmKey, SecurityAlgorithms.RsaSha256);

    private Task<HttpResponseMessage> Create(string token, string realm = "demo", string tenantHeader = TestApi.Tenant) =>
        _api.Client.SendAsync(_api.Request(HttpMethod.Post, TestApi.CreatePath, token, Bodies.ContractExample, tenantHeader, realm));

    private static async Task AssertCode(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.JsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_genuine_token_works() =>
        Assert.Equal(HttpStatusCode.OK, (await Create(Token(Rs256))).StatusCode);

    [Fact]
    public async Task Alg_none_is_refused()
    {
        var unsigned = Token(credentials: null);
        Assert.Contains("\"alg\":\"none\"", Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(unsigned.Split('.')[0])));
        await AssertCode(await Create(unsigned), HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task Hs256_signed_with_the_realms_public_key_text_is_refused()
    {
        var publicKeyText = Rsa.ExportSubjectPublicKeyInfoPem();
        var confused = Token(new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(publicKeyText)) { KeyId = "realm-key" }, SecurityAlgorithms.HmacSha256));
        await AssertCode(await Create(confused), HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task Expired_and_not_yet_valid_tokens_are_refused()
    {
        var now = DateTime.UtcNow;
        await AssertCode(await Create(Token(Rs256, notBefore: now.AddHours(-2), expires: now.AddHours(-1))), HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
        await AssertCode(await Create(Token(Rs256, notBefore: now.AddHours(1), expires: now.AddHours(2))), HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task Wrong_audience_and_wrong_issuer_are_refused()
    {
        await AssertCode(await Create(Token(Rs256, audience: "another-api")), HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
        await AssertCode(await Create(Token(Rs256, issuer: "http://evil.example/realms/demo")), HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task A_realm_that_is_not_allowed_and_a_realmname_that_differs_from_the_token_are_refused()
    {
        await AssertCode(await Create(Token(Rs256, issuer: "http://localhost:7071/realms/evil"), realm: "evil"), HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
        await AssertCode(await Create(Token(Rs256), realm: "other"), HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task A_tampered_payload_is_refused()
    {
        var parts = Token(Rs256).Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["realm_access"] = new JsonObject { ["roles"] = new JsonArray("tenant_admin") };
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";

        await AssertCode(await Create(tampered), HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task A_token_without_tenant_id_or_for_another_tenant_finds_no_tenant()
    {
        await AssertCode(await Create(Token(Rs256, tenant: null)), HttpStatusCode.NotFound, "TENANT_NOT_FOUND");
        await AssertCode(await Create(Token(Rs256, tenant: TestApi.OtherTenant)), HttpStatusCode.NotFound, "TENANT_NOT_FOUND");
    }
}
