using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Auth;
using TicketingFunctions.Hosting;
using TicketingFunctions.Tests.OpenApi;
using TicketingFunctions.Tests.Storage;

namespace TicketingFunctions.Tests.Http;

/// <summary>
/// The standalone host on an in-memory TestServer, configured like the local default: the embedded store in a data
/// folder of its own (deleted with the host unless the caller named the folder), sample catalog, realm "demo" and a dev
/// signing key generated per instance.
/// </summary>
public sealed class TestApi : IAsyncDisposable
{
    public const string Tenant = "820188ff-2036-4924-b80f-d11610735d86";
    public const string OtherTenant = "5f0c6a8e-3c1e-4d2a-9b7e-2a4f1c9d8e71";
    public const string Realm = "demo";
    public const string CreatePath = "/api/v2/ticketing/ticket/create/james/16910?type=template&module=ticketing";

    private string? _ownFolder;

    public WebApplication App { get; }
    public HttpClient Client { get; }
    public AuthOptions Auth { get; }
    public IServiceProvider Services => App.Services;

    /// <summary>Where the API listens: the TestServer's base address, or the loopback URL Kestrel bound.</summary>
    public Uri BaseAddress => Client.BaseAddress!;

    private TestApi(WebApplication app, AuthOptions auth, HttpClient client)
    {
        App = app;
        Auth = auth;
        Client = client;
    }

    public static Dictionary<string, string?> DefaultSettings(string devKey) => new()
    {
        ["Auth:IssuerTemplate"] = "http://localhost:7071/realms/{realm}",
        ["Auth:AllowedRealms"] = "demo,other",
        ["Auth:Audience"] = "ticketing-api",
        ["Auth:DevSigningKey"] = devKey,
        ["CosmosDb:Endpoint"] = "",
        // A data folder per host (uploads live under it): pending uploads count against their owner's quota, so hosts never share them.
        ["Storage:DataPath"] = TestDataFolders.New(),
    };

    public static Task<TestApi> StartAsync(Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null) =>
        StartAsync(loopback: false, configure, services);

    /// <summary>
    /// The same host on Kestrel, on a free loopback port, for what only a real socket shows: the web server's own
    /// limits, and clients that bring their own HTTP stack.
    /// </summary>
    public static Task<TestApi> StartOnLoopbackAsync(Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null) =>
        StartAsync(loopback: true, configure, services);

    private static async Task<TestApi> StartAsync(bool loopback, Action<Dictionary<string, string?>>? configure, Action<IServiceCollection>? services)
    {
        var settings = DefaultSettings(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var ownFolder = settings["Storage:DataPath"]!;
        configure?.Invoke(settings);
        if (settings["Storage:DataPath"] != ownFolder) TestDataFolders.Delete(ownFolder);
        var builder = StandaloneHost.CreateBuilder(loopback ? ["--environment", "Testing", "--urls", "http://127.0.0.1:0"] : ["--environment", "Testing"], settings);
        services?.Invoke(builder.Services);
        if (!loopback) builder.WebHost.UseTestServer();
        var app = StandaloneHost.Build(builder);
        await app.StartAsync();
        var auth = builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>()!;
        // Every exchange is checked against openapi.yaml as it happens (OpenApi/OpenApiConformance.cs).
        var client = loopback
            ? OpenApiConformance.CreateClient(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()))
            : OpenApiConformance.CreateClient(app.GetTestServer());
        return new TestApi(app, auth, client) { _ownFolder = settings["Storage:DataPath"] == ownFolder ? ownFolder : null };
    }

    public string Token(
        string tenant = Tenant,
        string roles = "ticket_user",
        string teams = "james",
        string scope = "tickets:read tickets:write",
        string realm = Realm,
        string username = "user@example.com",
        string? email = "user@example.com",
        TimeSpan? lifetime = null,
        DateTime? now = null,
        string? subject = null) =>
        DevTokenIssuer.Issue(Auth, new DevTokenRequest(tenant, realm,
            roles.Split(',', StringSplitOptions.RemoveEmptyEntries), teams.Split(',', StringSplitOptions.RemoveEmptyEntries),
            scope, username, email, "Jane", "Doe", lifetime, subject), now);

    /// <summary>A token signed with this host's dev key carrying exactly <paramref name="claims"/> (issuer, audience and lifetime added).</summary>
    public string TokenWithClaims(IDictionary<string, object> claims, IDictionary<string, object>? header = null)
    {
        var now = DateTime.UtcNow;
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = RealmAuthentication.IssuerFor(Auth, Realm),
            Audience = Auth.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            Claims = claims,
            AdditionalHeaderClaims = header,
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(DevSigningKey.FromOptions(Auth), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The claims <see cref="Token"/> gives a ticket_user of team james, to change one at a time.</summary>
    public static Dictionary<string, object> UserClaims(string tenant = Tenant) => new()
    {
        ["tenant_id"] = tenant,
        ["scope"] = "tickets:read tickets:write",
        ["realm_access"] = new Dictionary<string, object> { ["roles"] = new[] { "ticket_user" } },
        ["teams"] = new[] { "james" },
        ["preferred_username"] = "user@example.com",
        ["email"] = "user@example.com",
        ["sub"] = "user@example.com",
    };

    public HttpRequestMessage Request(HttpMethod method, string path, string? token = null, string? body = null,
        string tenantHeader = Tenant, string? realmHeader = Realm, string? supportHeader = "false")
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (tenantHeader is not null) request.Headers.TryAddWithoutValidation("x-tenantid", tenantHeader);
        if (realmHeader is not null) request.Headers.TryAddWithoutValidation("realmname", realmHeader);
        if (supportHeader is not null) request.Headers.TryAddWithoutValidation("issupportrequest", supportHeader);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }

    public Task<HttpResponseMessage> CreateAsync(string body, string? token = null, string path = CreatePath) =>
        Client.SendAsync(Request(HttpMethod.Post, path, token ?? Token(), body));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownFolder is not null) TestDataFolders.Delete(_ownFolder);
    }
}
