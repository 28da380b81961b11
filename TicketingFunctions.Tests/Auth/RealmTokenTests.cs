using TicketingFunctions.Settings;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using TicketingFunctions.Auth;
using TicketingFunctions.Hosting;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Auth;

/// <summary>Production token rules: realm keys from OpenID metadata, no dev key.</summary>
public sealed class RealmTokenTests
{
    private static readonly RsaSecurityKey RealmKey = new(RSA.Create(2048)) { KeyId = "realm-key" };

    private static string Rs256Token(string issuer, string audience = "ticketing-api", SecurityKey? key = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object>
            {
                ["tenant_id"] = TestApi.Tenant,
                ["scope"] = "tickets:read",
                ["realm_access"] = new Dictionary<string, object> { ["roles"] = new[] { "ticket_user" } },
                ["preferred_username"] = "jdoe",
            },
            SigningCredentials = new SigningCredentials(key ?? RealmKey, SecurityAlgorithms.RsaSha256),
        });

    /// <summary>A host with no dev key whose "demo" realm serves <see cref="RealmKey"/> as its metadata.</summary>
    private static Task<TestApi> StartWithRealmKeys() => TestApi.StartAsync(
        s => s["Auth:DevSigningKey"] = "",
        services => services.PostConfigure<JwtBearerOptions>(RealmAuthentication.SchemeForRealm("demo"), o =>
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = "http://localhost:7071/realms/demo" };
            configuration.SigningKeys.Add(RealmKey);
            o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
        }));

    private static Task<HttpResponseMessage> ListTypes(TestApi api, string token) =>
        api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", token));

    [Fact]
    public async Task Realm_signed_rs256_token_is_accepted()
    {
        await using var api = await StartWithRealmKeys();
        var response = await ListTypes(api, Rs256Token("http://localhost:7071/realms/demo"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_dev_key_hs256_tokens_and_foreign_rsa_keys_are_refused()
    {
        await using var api = await StartWithRealmKeys();
        var hs256 = DevTokenIssuer.Issue(new AuthOptions { IssuerTemplate = api.Auth.IssuerTemplate, Audience = "ticketing-api", DevSigningKey = Convert.ToBase64String(new byte[32]) },
            new DevTokenRequest(TestApi.Tenant, "demo", ["ticket_user"], [], "tickets:read"));
        var foreign = Rs256Token("http://localhost:7071/realms/demo", key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = "realm-key" });

        Assert.Equal(HttpStatusCode.Unauthorized, (await ListTypes(api, hs256)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ListTypes(api, foreign)).StatusCode);
    }

    [Fact]
    public async Task Each_realm_reads_its_keys_from_its_own_issuers_openid_metadata()
    {
        await using var api = await TestApi.StartAsync(s =>
        {
            s["Auth:DevSigningKey"] = "";
            s["Auth:IssuerTemplate"] = "https://id.example.com/realms/{realm}";
        });
        var monitor = api.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>();

        var demo = monitor.Get(RealmAuthentication.SchemeForRealm("demo"));
        var other = monitor.Get(RealmAuthentication.SchemeForRealm("other"));

        Assert.Equal("https://id.example.com/realms/demo/.well-known/openid-configuration", demo.MetadataAddress);
        Assert.Equal("https://id.example.com/realms/other/.well-known/openid-configuration", other.MetadataAddress);
        Assert.Equal("https://id.example.com/realms/demo", demo.TokenValidationParameters.ValidIssuer);
        Assert.True(demo.RequireHttpsMetadata);
        // The handler's configuration manager caches the metadata (and its keys) between requests.
        Assert.IsType<ConfigurationManager<OpenIdConnectConfiguration>>(demo.ConfigurationManager);
    }

    [Fact]
    public async Task Empty_allowed_realms_refuses_every_realm()
    {
        await using var api = await TestApi.StartAsync(s => s["Auth:AllowedRealms"] = "");
        var response = await ListTypes(api, api.Token());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("AUTHENTICATION_FAILURE", (await response.JsonAsync()).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void A_dev_key_that_is_not_32_base64_bytes_is_refused_at_start_up(string key) =>
        Assert.Throws<SettingException>(() => DevSigningKey.FromOptions(new AuthOptions { DevSigningKey = key }));

    [Fact]
    public void A_dev_token_cannot_be_minted_without_a_dev_key() =>
        Assert.Throws<SettingException>(() => DevTokenIssuer.Issue(new AuthOptions(), new DevTokenRequest(TestApi.Tenant, "demo", [], [], "")));
}
