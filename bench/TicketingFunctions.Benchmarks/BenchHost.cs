using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using TicketingFunctions.Auth;
using TicketingFunctions.Hosting;

namespace TicketingFunctions.Benchmarks;

/// <summary>
/// The standalone host as deployed (realm "demo", RS256 keys from the realm's configuration, embedded store,
/// sample catalog), with two changes for measuring: the realm's OpenID configuration is a static one holding an
/// RSA key made here (no network), and the server is <see cref="InProcessServer"/>, which runs requests through
/// the app's real pipeline (routing, authentication, the function) without sockets or HTTP parsing.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    public const string Tenant = "820188ff-2036-4924-b80f-d11610735d86";
    public const string Realm = "demo";
    public const string Issuer = "http://localhost:7071/realms/demo";
    public const string Audience = "ticketing-api";
    public const string CreatePath = "/api/v2/ticketing/ticket/create/james/16910";
    public const string CreateQuery = "?type=template&module=ticketing";

    public static readonly byte[] CreateBody = Encoding.UTF8.GetBytes(
        """{"source":"api","summary":"Hardware request - new laptop","ticketBody":{"offerId":"23629","ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53":"Need a replacement laptop","7f111983-1013-41be-a056-989fff018bb5":"<p>Current laptop battery no longer holds charge.</p>","711ea9e6-1b73-4070-9eb2-941803f7f5d4":"<2week"},"attachments":{},"ticketRelation":null}""");

    private static readonly RsaSecurityKey SigningKey = new(RSA.Create(2048)) { KeyId = "bench-rs256" };

    /// <summary>
    /// Keep the app's console log (bench/micro.sh --probe --log), as the deployed standalone host writes it, instead of
    /// no logging provider at all: the log's cost per request then shows in the probe's figures.
    /// </summary>
    public static bool ConsoleLog { get; set; }

    public WebApplication App { get; }
    public InProcessServer Server { get; }

    private BenchHost(WebApplication app, InProcessServer server)
    {
        App = app;
        Server = server;
    }

    /// <param name="settings">Extra settings (e.g. Auth:TokenCacheSize).</param>
    public static async Task<BenchHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Auth:IssuerTemplate"] = "http://localhost:7071/realms/{realm}",
            ["Auth:AllowedRealms"] = Realm,
            ["Auth:Audience"] = Audience,
            ["Auth:DevSigningKey"] = "",
            ["CosmosDb:Endpoint"] = "",
            ["Catalog:CacheSeconds"] = "60",
            // The embedded store's file: a fresh folder per host, as a first start has.
            ["Storage:DataPath"] = Directory.CreateTempSubdirectory("ticketing-bench-").FullName,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) overrides[key] = value;

        var builder = StandaloneHost.CreateBuilder(["--environment", "Production"], overrides);
        if (!ConsoleLog) builder.Logging.ClearProviders();
        var server = new InProcessServer();
        builder.Services.AddSingleton<IServer>(server);
        // The realm's OpenID configuration without the network: one RSA signing key.
        builder.Services.PostConfigure<JwtBearerOptions>(RealmAuthentication.SchemeForRealm(Realm), o =>
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
            configuration.SigningKeys.Add(SigningKey);
            o.Configuration = configuration;
            o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
        });
        var app = StandaloneHost.Build(builder);
        await app.StartAsync();
        return new BenchHost(app, server);
    }

    /// <summary>An RS256 token in the shape a Keycloak realm issues, for the sample tenant's team "james".</summary>
    public static string MintRs256(string? subject = null, TimeSpan? lifetime = null)
    {
        var now = DateTime.UtcNow;
        var user = subject ?? "user@example.com";
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            Claims = new Dictionary<string, object>
            {
                ["tenant_id"] = Tenant,
                ["scope"] = "tickets:read tickets:write",
                ["realm_access"] = new Dictionary<string, object> { ["roles"] = new[] { "ticket_user" } },
                ["teams"] = new[] { "james" },
                ["preferred_username"] = user,
                ["sub"] = user,
                ["email"] = user,
                ["given_name"] = "Jane",
                ["family_name"] = "Doe",
            },
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    private static readonly string ContentLength = CreateBody.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The create request's features, as a server would hand them to the app. <paramref name="authorization"/> is
    /// the whole header value ("Bearer …"), made once by the caller: Kestrel too reuses a connection's header
    /// strings when the next request repeats them, so building it per request would overstate the app's allocations.
    /// </summary>
    public static FeatureCollection CreateRequest(string authorization, Stream responseBody)
    {
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Protocol = "HTTP/1.1",
            Scheme = "http",
            Method = "POST",
            PathBase = "",
            Path = CreatePath,
            QueryString = CreateQuery,
            RawTarget = CreatePath + CreateQuery,
            Headers = new HeaderDictionary
            {
                ["Host"] = "127.0.0.1",
                ["Authorization"] = authorization,
                ["x-tenantid"] = Tenant,
                ["realmname"] = Realm,
                ["issupportrequest"] = "false",
                ["Content-Type"] = "application/json",
                ["Accept"] = "application/json",
                ["Content-Length"] = ContentLength,
            },
            Body = new MemoryStream(CreateBody, writable: false),
        });
        features.Set<IHttpResponseFeature>(new CompletingResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
        return features;
    }

    public const string ListPath = "/api/v2/ticketing/ticket/list";

    /// <summary>A GET of the ticket list with this query string ("?pageSize=25…"), as a server would hand it to the app.</summary>
    public static FeatureCollection ListRequest(string authorization, string query, Stream responseBody)
    {
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Protocol = "HTTP/1.1",
            Scheme = "http",
            Method = "GET",
            PathBase = "",
            Path = ListPath,
            QueryString = query,
            RawTarget = ListPath + query,
            Headers = new HeaderDictionary
            {
                ["Host"] = "127.0.0.1",
                ["Authorization"] = authorization,
                ["x-tenantid"] = Tenant,
                ["realmname"] = Realm,
                ["Accept"] = "application/json",
            },
            Body = Stream.Null,
        });
        features.Set<IHttpResponseFeature>(new CompletingResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
        return features;
    }

    /// <summary>Creates <paramref name="count"/> tickets of the sample tenant through the create path.</summary>
    public async Task SeedAsync(string authorization, int count)
    {
        var response = new MemoryStream();
        for (var i = 0; i < count; i++)
        {
            response.SetLength(0);
            var status = await Server.ProcessAsync(CreateRequest(authorization, response));
            if (status != 200) throw new InvalidOperationException($"Create answered {status}: {Encoding.UTF8.GetString(response.ToArray())}");
        }
    }

    /// <summary>The continuation token that opens page <paramref name="page"/> (1-based) of the listing, by walking to it.</summary>
    public async Task<string?> TokenForPageAsync(string authorization, string query, int page)
    {
        string? token = null;
        var response = new MemoryStream();
        for (var i = 1; i < page; i++)
        {
            response.SetLength(0);
            var status = await Server.ProcessAsync(ListRequest(authorization, token is null ? query : $"{query}&continuationToken={token}", response));
            if (status != 200) throw new InvalidOperationException($"List answered {status}: {Encoding.UTF8.GetString(response.ToArray())}");
            using var json = System.Text.Json.JsonDocument.Parse(response.ToArray());
            token = json.RootElement.GetProperty("continuationToken").GetString()
                    ?? throw new InvalidOperationException($"The listing ended before page {page}.");
        }
        return token;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>A server with no sockets: <see cref="ProcessAsync"/> runs one request through the app's pipeline.</summary>
public sealed class InProcessServer : IServer
{
    private Func<IFeatureCollection, Task<int>>? _process;

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull
    {
        _process = features => Run(application, features);
        return Task.CompletedTask;
    }

    private static async Task<int> Run<TContext>(IHttpApplication<TContext> application, IFeatureCollection features) where TContext : notnull
    {
        var context = application.CreateContext(features);
        Exception? error = null;
        try
        {
            await application.ProcessRequestAsync(context);
            // As Kestrel does, before the context is disposed: the request log's line is written here.
            if (features.Get<IHttpResponseFeature>() is CompletingResponseFeature response) await response.CompleteAsync();
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            application.DisposeContext(context, error);
        }
        return features.Get<IHttpResponseFeature>()!.StatusCode;
    }

    /// <returns>The response status.</returns>
    public Task<int> ProcessAsync(IFeatureCollection features) =>
        (_process ?? throw new InvalidOperationException("The server has not started."))(features);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public void Dispose() { }
}

/// <summary>A response feature that runs its OnCompleted callbacks when the server says so (HttpResponseFeature drops them).</summary>
public sealed class CompletingResponseFeature : HttpResponseFeature
{
    private List<(Func<object, Task> Callback, object State)>? _completed;

    public override void OnCompleted(Func<object, Task> callback, object state) => (_completed ??= []).Add((callback, state));

    /// <summary>Runs the callbacks, the last registered first, as Kestrel runs them.</summary>
    public async Task CompleteAsync()
    {
        if (_completed is null) return;
        for (var i = _completed.Count - 1; i >= 0; i--) await _completed[i].Callback(_completed[i].State);
    }
}
