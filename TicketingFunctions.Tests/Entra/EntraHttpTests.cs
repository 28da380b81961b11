using System.Net;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TicketingFunctions.Auth;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using TicketingFunctions.Tests.Observability;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tests.Http;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Entra;

public sealed class EntraHttpOnEmbeddedStore() : EntraHttpTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class EntraHttpOnCosmos(CosmosEmulatorFixture emulator) : EntraHttpTests(new CosmosHosts(emulator));

/// <summary>
/// Entra ID application callers end to end, against a loopback directory (<see cref="EntraDirectoryServer"/>): the
/// realmname "entra" selects Identity.Web's scheme, app roles grant scopes, the client mapping gives tenant, teams and roles.
/// </summary>
public abstract class EntraHttpTests(IApiHosts hosts) : IAsyncLifetime
{
    /// <summary>A monitoring system's app registration, mapped by client id with a display name.</summary>
    public const string MonitoringApp = "a1a1a1a1-0000-4000-8000-000000000001";
    /// <summary>A function app's managed identity, mapped by its object id, without a display name.</summary>
    public const string ManagedIdentityClientId = "b2b2b2b2-0000-4000-8000-000000000002";
    public const string ManagedIdentityObjectId = "c3c3c3c3-0000-4000-8000-000000000003";
    /// <summary>A valid application of the directory that no mapping names.</summary>
    public const string UnmappedApp = "d4d4d4d4-0000-4000-8000-000000000004";

    protected EntraDirectoryServer Directory { get; private set; } = null!;

    public async Task InitializeAsync() => Directory = await EntraDirectoryServer.StartAsync();
    public async Task DisposeAsync() => await Directory.DisposeAsync();

    public static void EntraSettings(Dictionary<string, string?> s, EntraDirectoryServer directory)
    {
        s["AzureAd:Instance"] = directory.Instance;
        s["AzureAd:TenantId"] = EntraDirectoryServer.TenantId;
        s["AzureAd:ClientId"] = EntraDirectoryServer.ApiClientId;
        s[$"Auth:Entra:Clients:{MonitoringApp}:TenantId"] = TestApi.Tenant;
        s[$"Auth:Entra:Clients:{MonitoringApp}:Teams"] = "james";
        s[$"Auth:Entra:Clients:{MonitoringApp}:Roles"] = "ticket_agent";
        s[$"Auth:Entra:Clients:{MonitoringApp}:DisplayName"] = "Monitoring";
        s[$"Auth:Entra:Clients:{ManagedIdentityObjectId}:TenantId"] = TestApi.Tenant;
        s[$"Auth:Entra:Clients:{ManagedIdentityObjectId}:Teams"] = "james, facilities";
        s[$"Auth:Entra:Clients:{ManagedIdentityObjectId}:Roles"] = "ticket_user";
    }

    /// <summary>What the authentication handlers log: why a token failed.</summary>
    protected CapturingLoggerProvider Logs { get; } = new();

    private Task<TestApi> StartAsync(Action<Dictionary<string, string?>>? configure = null) => hosts.StartAsync(s =>
    {
        EntraSettings(s, Directory);
        s["Logging:LogLevel:Microsoft.AspNetCore.Authentication"] = "Debug";
        configure?.Invoke(s);
    }, services =>
    {
        Directory.TrustIn(services);
        services.AddLogging(b => b.AddProvider(Logs));
    });

    private string AuthenticationFailures() =>
        string.Join('\n', Logs.Lines.Where(l => l.Contains("was not authenticated", StringComparison.Ordinal)));

    private static Task<HttpResponseMessage> Create(TestApi api, string token, string tenantHeader = TestApi.Tenant, string realm = "entra") =>
        api.Client.SendAsync(api.Request(HttpMethod.Post, TestApi.CreatePath, token, Bodies.ContractExample, tenantHeader, realm));

    private static async Task<System.Text.Json.JsonElement> CreateTicketAsync(TestApi api, string token)
    {
        var response = await Create(api, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("ticket");
    }

    private string Write(string client = MonitoringApp) => Directory.Token(client, ["Tickets.Write"]);

    [Fact]
    public async Task A_mapped_application_with_Tickets_Write_creates_a_ticket_recorded_under_its_name()
    {
        await using var api = await StartAsync();

        var response = await Create(api, Write());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ticket = (await response.JsonAsync()).GetProperty("ticket");
        Assert.Equal(TestApi.Tenant, ticket.GetProperty("tenant_id").GetString());
        Assert.Equal("Monitoring", ticket.GetProperty("data").GetProperty("submittedBy").GetString());
        var updatedBy = ticket.GetProperty("data").GetProperty("lastUpdatedBy");
        Assert.Equal(MonitoringApp, updatedBy.GetProperty("username").GetString());
        Assert.Equal("Monitoring", updatedBy.GetProperty("firstName").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, updatedBy.GetProperty("lastName").ValueKind);
    }

    [Fact]
    public async Task A_managed_identity_mapped_by_object_id_is_recorded_by_that_id_with_its_client_id_as_username()
    {
        await using var api = await StartAsync();
        var token = Directory.Token(ManagedIdentityClientId, ["Tickets.Write"], objectId: ManagedIdentityObjectId);

        var created = await CreateTicketAsync(api, token);
        var objectId = created.GetProperty("object_id").GetString()!;
        var history = await api.Client.SendAsync(api.Request(HttpMethod.Get, HistoryPath(objectId), token, realmHeader: "entra"));

        var data = created.GetProperty("data");
        Assert.Equal(ManagedIdentityObjectId, data.GetProperty("submittedBy").GetString());
        Assert.Equal(ManagedIdentityClientId, data.GetProperty("lastUpdatedBy").GetProperty("username").GetString());
        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        Assert.Equal(ManagedIdentityClientId, (await history.JsonAsync()).GetProperty("history")[0].GetProperty("username").GetString());
    }

    [Fact]
    public async Task Tickets_Read_reads_but_may_not_write()
    {
        await using var api = await StartAsync();
        var created = await CreateTicketAsync(api, Write());
        var reader = Directory.Token(MonitoringApp, ["Tickets.Read"]);

        var read = await api.Client.SendAsync(api.Request(HttpMethod.Get, TicketPath(created.GetProperty("object_id").GetString()!), reader, realmHeader: "entra"));
        var write = await Create(api, reader);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await AssertError(write, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", "You do not have the required permissions to create ticket");
    }

    [Fact]
    public async Task A_token_without_app_roles_is_refused_by_Identity_Web()
    {
        await using var api = await StartAsync();

        var response = await Create(api, Directory.Token(MonitoringApp, roles: []));

        await AssertError(response, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task App_roles_other_than_the_two_grant_nothing()
    {
        await using var api = await StartAsync();

        var response = await Create(api, Directory.Token(MonitoringApp, ["Reports.Read"]));

        await AssertError(response, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", "You do not have the required permissions to create ticket");
    }

    [Fact]
    public async Task An_unmapped_application_is_refused_with_USER_PERMISSION_FAILURE_before_the_tenant()
    {
        await using var api = await StartAsync();
        var token = Directory.Token(UnmappedApp, ["Tickets.Write"]);

        var create = await Create(api, token);
        var otherTenant = await Create(api, token, TestApi.OtherTenant);
        var types = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", token, realmHeader: "entra"));
        var badHeader = await Create(api, token, "not-a-uuid");

        await AssertError(create, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", "The calling application is not mapped to a ticketing tenant");
        await AssertError(otherTenant, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", "The calling application is not mapped to a ticketing tenant");
        await AssertError(types, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", "The calling application is not mapped to a ticketing tenant");
        // The header checks come first, as for every caller.
        await AssertError(badHeader, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
    }

    [Fact]
    public async Task An_x_tenantid_other_than_the_mapped_tenant_is_Tenant_not_found()
    {
        await using var api = await StartAsync();

        var response = await Create(api, Write(), TestApi.OtherTenant);

        await AssertError(response, HttpStatusCode.NotFound, "TENANT_NOT_FOUND", "Tenant not found");
    }

    /// <summary>Each kind of token, with the reason the Entra scheme logs for refusing it.</summary>
    public static TheoryData<string, string> RefusedTokens() => new()
    {
        { "wrong audience", "IDX10214: Audience validation failed" },
        // Identity.Web: a v2.0 token's audience is the API's client id itself (Entra ID issues it so for api://<id>/.default).
        { "api:// audience", "IDX10214: Audience validation failed" },
        // Identity.Web's issuer validator: the issuer is not the configured directory's.
        { "other directory", "IDX40001: Issuer" },
        { "expired", "IDX10223: Lifetime validation failed" },
        { "v1.0", "Only Entra ID v2.0 access tokens are accepted." },
        // RS384 over a published RSA key would verify; the scheme accepts RS256 only, so no key is usable for it.
        { "RS384", "IDX10511: Signature validation failed" },
        { "unpublished key", "IDX10511: Signature validation failed" },
        // The realm schemes' strict rules (TicketingFunctions.Auth.StrictTokenRules) hold for Entra ID tokens too.
        { "crit header", "critical header extensions (crit)" },
        { "azp named twice", "names a claim more than once" },
    };

    /// <summary>A valid write token's payload with a second <c>azp</c> (a mapped application) after the first (an unmapped one).</summary>
    private string AzpTwice()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $$"""
            {"iss":"{{Directory.IssuerV2()}}","aud":"{{EntraDirectoryServer.ApiClientId}}","iat":{{now - 60}},"nbf":{{now - 60}},"exp":{{now + 1800}},
             "tid":"{{EntraDirectoryServer.TenantId}}","ver":"2.0","oid":"{{UnmappedApp}}","sub":"{{UnmappedApp}}","roles":["Tickets.Write"],
             "azp":"{{UnmappedApp}}","azp":"{{MonitoringApp}}"}
            """;
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Tokens_Entra_ID_would_not_issue_for_this_API_are_AUTHENTICATION_FAILURE(string kind, string reason)
    {
        await using var api = await StartAsync();
        string[] write = ["Tickets.Write"];
        var token = kind switch
        {
            "wrong audience" => Directory.Token(MonitoringApp, write, audience: "9e9e9e9e-0000-4000-8000-00000000000e"),
            "api:// audience" => Directory.Token(MonitoringApp, write, audience: "api://" + EntraDirectoryServer.ApiClientId),
            // Signed with the same keys (Entra ID shares them across directories), its own issuer and tid.
            "other directory" => Directory.Token(MonitoringApp, write, tenant: EntraDirectoryServer.OtherTenantId),
            "expired" => Directory.Token(MonitoringApp, write, expires: DateTime.UtcNow.AddMinutes(-10)),
            "v1.0" => Directory.Token(MonitoringApp, write, version: "1.0", audience: "api://" + EntraDirectoryServer.ApiClientId),
            "RS384" => Directory.Token(MonitoringApp, write, algorithm: SecurityAlgorithms.RsaSha384),
            "unpublished key" => Directory.Token(MonitoringApp, write, key: EntraDirectoryServer.NewKey("key-1")),
            "crit header" => Directory.Token(MonitoringApp, write, header: new Dictionary<string, object> { ["crit"] = new[] { "x-unknown" }, ["x-unknown"] = true }),
            "azp named twice" => Directory.SignPayload(AzpTwice()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var response = await Create(api, token);

        await AssertError(response, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
        Assert.Contains(reason, AuthenticationFailures());
    }

    [Fact]
    public async Task An_application_lists_the_tickets_of_its_mapped_tenant()
    {
        await using var api = await StartAsync();
        await CreateTicketAsync(api, Write());
        var reader = Directory.Token(MonitoringApp, ["Tickets.Read"]);

        var list = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/list", reader, realmHeader: "entra"));
        var unmapped = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/list", Directory.Token(UnmappedApp, ["Tickets.Read"]), realmHeader: "entra"));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains("CTC-0001", await list.Content.ReadAsStringAsync());
        await AssertError(unmapped, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", "The calling application is not mapped to a ticketing tenant");
    }

    [Fact]
    public async Task A_mapped_application_reads_its_tenant_s_event_feed_without_being_a_tenant_admin()
    {
        await using var api = await StartAsync();
        await CreateTicketAsync(api, Write());
        if (api.Services.GetRequiredService<TicketingFunctions.Storage.ITicketEventStore>() is TicketingFunctions.Storage.CosmosTicketStore cosmos)
            await cosmos.DrainPublisherAsync();   // on Cosmos DB the events are handed over just after the write
        // The monitoring app is mapped with role ticket_agent only: being a mapped application is what lets it read the feed.
        var feed = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/events", Directory.Token(MonitoringApp, ["Tickets.Read"]), realmHeader: "entra"));

        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        var events = (await feed.JsonAsync()).GetProperty("events");
        Assert.Equal(("ticket.created", "CTC-0001"), (events[0].GetProperty("type").GetString(), events[0].GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task Idempotency_keys_belong_to_one_application()
    {
        await using var api = await StartAsync();
        HttpRequestMessage Keyed(string token)
        {
            var request = api.Request(HttpMethod.Post, TestApi.CreatePath, token, Bodies.ContractExample, realmHeader: "entra");
            request.Headers.TryAddWithoutValidation("Idempotency-Key", "incident-4711");
            return request;
        }
        var monitoring = Write();
        var identity = Directory.Token(ManagedIdentityClientId, ["Tickets.Write"], objectId: ManagedIdentityObjectId);

        var first = await api.Client.SendAsync(Keyed(monitoring));
        var replay = await api.Client.SendAsync(Keyed(Write()));
        var otherApp = await api.Client.SendAsync(Keyed(identity));

        Assert.Equal("CTC-0001", (await first.JsonAsync()).GetProperty("objectId").GetString());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("CTC-0001", (await replay.JsonAsync()).GetProperty("objectId").GetString());
        Assert.False(otherApp.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("CTC-0002", (await otherApp.JsonAsync()).GetProperty("objectId").GetString());
    }

    [Fact]
    public async Task An_application_updates_a_ticket_and_is_its_last_updater()
    {
        await using var api = await StartAsync();
        var created = await api.CreateTicketAsync();
        var objectId = created.GetProperty("object_id").GetString()!;

        var response = await api.PatchAsync(objectId, Patch(created.GetProperty("etag").GetString(), "\"summary\":\"Escalated by monitoring\""), Write(), realmHeader: "entra");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ticket = await response.JsonAsync();
        var updatedBy = (ticket.TryGetProperty("ticket", out var inner) ? inner : ticket).GetProperty("data").GetProperty("lastUpdatedBy");
        Assert.Equal(MonitoringApp, updatedBy.GetProperty("username").GetString());
        Assert.Equal("Monitoring", updatedBy.GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task Without_a_realmname_header_an_Entra_token_is_still_validated_before_the_header_is_reported()
    {
        await using var api = await StartAsync();

        var valid = await api.Client.SendAsync(api.Request(HttpMethod.Post, TestApi.CreatePath, Write(), Bodies.ContractExample, realmHeader: null));
        var expired = await api.Client.SendAsync(api.Request(HttpMethod.Post, TestApi.CreatePath,
            Directory.Token(MonitoringApp, ["Tickets.Write"], expires: DateTime.UtcNow.AddMinutes(-10)), Bodies.ContractExample, realmHeader: null));

        await AssertError(valid, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        Assert.Equal(["Header realmname is required"], (await valid.JsonAsync()).Reasons("realmname"));
        await AssertError(expired, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task Realm_tokens_work_as_before_beside_Entra_and_cannot_pass_as_the_entra_realm()
    {
        await using var api = await StartAsync();

        var realm = await api.CreateAsync(Bodies.ContractExample);
        var realmTokenAsEntra = await Create(api, api.Token());
        var entraTokenAsRealm = await Create(api, Write(), realm: TestApi.Realm);

        Assert.Equal(HttpStatusCode.OK, realm.StatusCode);
        await AssertError(realmTokenAsEntra, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
        await AssertError(entraTokenAsRealm, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task The_realm_name_is_a_setting_and_a_validated_token_is_reused_from_the_cache()
    {
        await using var api = await StartAsync(s => s["Auth:Entra:RealmName"] = "aad");
        var token = Write();

        var byDefaultName = await Create(api, token);
        var first = await Create(api, token, realm: "aad");
        var cached = api.Services.GetRequiredService<ValidatedTokenCache>().Count;
        var second = await Create(api, token, realm: "aad");

        await AssertError(byDefaultName, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, cached);
        // Validated once: Identity.Web's handler logged one success for the two requests.
        Assert.Single(Logs.Lines, l => l.Contains("Successfully validated the token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AzureAd_Audience_when_set_is_the_one_audience_accepted()
    {
        await using var api = await StartAsync(s => s["AzureAd:Audience"] = "https://ticketing.example.com");

        var forAudience = await Create(api, Directory.Token(MonitoringApp, ["Tickets.Write"], audience: "https://ticketing.example.com"));
        var forClientId = await Create(api, Write());

        Assert.Equal(HttpStatusCode.OK, forAudience.StatusCode);
        await AssertError(forClientId, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task Identity_Web_does_not_log_every_validated_token_at_Information()
    {
        await using var api = await StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await Create(api, Write())).StatusCode);

        Assert.DoesNotContain(Logs.Lines, l => l.StartsWith("Information Microsoft.IdentityModel", StringComparison.Ordinal));
    }

    /// <summary>A managed identity's credential as the loopback directory would serve it, checking the scope it is asked for.</summary>
    private sealed class ManagedIdentityCredential(EntraDirectoryServer directory) : Azure.Core.TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The example only uses GetTokenAsync.");

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            var token = directory.Token(ManagedIdentityClientId, ["Tickets.Write"], objectId: ManagedIdentityObjectId);
            return ValueTask.FromResult(new Azure.Core.AccessToken(token, DateTimeOffset.UtcNow.AddMinutes(30)));
        }
    }

    [Fact]
    public async Task The_documented_managed_identity_caller_creates_a_ticket()
    {
        await using var api = await StartAsync();
        var credential = new ManagedIdentityCredential(Directory);
        // The example's HttpClient, pointed at the in-process host, its responses checked against openapi.yaml like every test's.
        var http = api.Client;
        http.BaseAddress = new Uri("http://localhost/");
        var caller = new TicketingApiCaller(http, credential, EntraDirectoryServer.ApiClientId, TestApi.Tenant);

        var response = await caller.CreateTicketAsync("james", "16910", Bodies.ContractExample, "alert-42", CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([$"api://{EntraDirectoryServer.ApiClientId}/.default"], credential.Scopes);
        var ticket = (await response.JsonAsync()).GetProperty("ticket");
        Assert.Equal(ManagedIdentityObjectId, ticket.GetProperty("data").GetProperty("submittedBy").GetString());
    }

    [Fact]
    public async Task A_rotated_signing_key_is_read_from_the_metadata_and_then_accepted()
    {
        await using var api = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await Create(api, Write())).StatusCode);
        var fetches = Directory.KeyRequests;

        Directory.Rotate("key-2");
        // The first token with a key the scheme has not seen is refused, and makes it read the keys again.
        var unknownYet = await Create(api, Write());
        await SchemeKnowsKeyAsync(api, "key-2");
        var accepted = await Create(api, Write());

        await AssertError(unknownYet, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.True(Directory.KeyRequests > fetches, "the key set was fetched again");
        Assert.Equal("CTC-0002", (await accepted.JsonAsync()).GetProperty("objectId").GetString());
    }

    /// <summary>
    /// IdentityModel refreshes the metadata on a background task; this waits for that refresh by watching the scheme's
    /// configuration (no fixed delay). The token source only guards against a refresh that never comes.
    /// </summary>
    private static async Task SchemeKnowsKeyAsync(TestApi api, string kid)
    {
        var manager = api.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(EntraAuthentication.Scheme).ConfigurationManager!;
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!(await manager.GetConfigurationAsync(guard.Token)).SigningKeys.Any(k => k.KeyId == kid))
        {
            guard.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}
