using System.Net;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Auth;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.Observability;

namespace TicketingFunctions.Tests.Entra;

/// <summary>
/// Issue 21: a refused Entra ID token logs one Information line and nothing from IdentityModel, under both hosts'
/// logging defaults (L10); after other refusals, a newly published key is taken within the key refresh interval (L11).
/// </summary>
public sealed class EntraRefusalTests : IAsyncLifetime
{
    private EntraDirectoryServer _directory = null!;
    public async Task InitializeAsync() => _directory = await EntraDirectoryServer.StartAsync();
    public async Task DisposeAsync() => await _directory.DisposeAsync();

    private string[] RefusedTokens() =>
    [
        _directory.Token(EntraHttpTests.MonitoringApp, ["Tickets.Write"], key: EntraDirectoryServer.NewKey("unpublished")),
        _directory.Token(EntraHttpTests.MonitoringApp, ["Tickets.Write"], audience: "9e9e9e9e-0000-4000-8000-00000000000e"),
        _directory.Token(EntraHttpTests.MonitoringApp, ["Tickets.Write"], expires: DateTime.UtcNow.AddMinutes(-10)),
    ];

    private static void AssertOneInformationLinePerToken(CapturingLoggerProvider logs, int tokens)
    {
        var lines = logs.Lines.ToArray();
        Assert.Equal(tokens, lines.Count(l => l.StartsWith("Information", StringComparison.Ordinal) && l.Contains("Refused the request's bearer token", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("IDX", StringComparison.Ordinal) || l.Contains("Microsoft.IdentityModel", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains('\n', StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_token_logs_one_line_under_the_standalone_host()
    {
        var logs = new CapturingLoggerProvider();
        await using var api = await TestApi.StartAsync(s => EntraHttpTests.EntraSettings(s, _directory), services =>
        {
            _directory.TrustIn(services);
            services.AddLogging(b => b.AddProvider(logs));
        });
        // Keys read once by a valid token, so that every refusal below is the token's own.
        Assert.Equal(HttpStatusCode.OK, (await Create(api, Write())).StatusCode);
        var tokens = RefusedTokens();

        foreach (var token in tokens)
            Assert.Equal(HttpStatusCode.Unauthorized, (await Create(api, token)).StatusCode);

        AssertOneInformationLinePerToken(logs, tokens.Length);
    }

    [Fact]
    public async Task A_refused_token_logs_one_line_under_the_Functions_worker()
    {
        var logs = new CapturingLoggerProvider();
        var settings = TestApi.DefaultSettings(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        EntraHttpTests.EntraSettings(settings, _directory);
        var builder = TicketingFunctions.Hosting.FunctionsWorkerHost.CreateBuilder([.. settings.Select(s => $"--{s.Key}={s.Value}")]);
        _directory.TrustIn(builder.Services);
        builder.Services.AddLogging(b => b.AddProvider(logs));
        using var host = builder.Build();
        var authenticator = host.Services.GetRequiredService<RequestAuthenticator>();
        var tokens = RefusedTokens();

        foreach (var token in tokens)
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = host.Services };
            context.Request.Headers.Authorization = "Bearer " + token;
            context.Request.Headers["realmname"] = "entra";
            Assert.Null(await authenticator.AuthenticateAsync(context));
        }

        AssertOneInformationLinePerToken(logs, tokens.Length);
    }

    [Fact]
    public async Task Keys_are_read_again_at_most_every_30_seconds_by_default_for_Entra_ID()
    {
        await using var api = await TestApi.StartAsync(s => EntraHttpTests.EntraSettings(s, _directory), _directory.TrustIn);

        var options = api.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(EntraAuthentication.Scheme);

        Assert.Equal(TimeSpan.FromSeconds(30), options.RefreshInterval);
    }

    [Fact]
    public async Task A_newly_published_key_is_accepted_within_the_refresh_interval_after_other_refusals()
    {
        await using var api = await TestApi.StartAsync(s =>
        {
            EntraHttpTests.EntraSettings(s, _directory);
            s["Auth:KeyRefreshInterval"] = "00:00:01";
        }, _directory.TrustIn);
        Assert.Equal(HttpStatusCode.OK, (await Create(api, Write())).StatusCode);
        // Another refusal asks for the keys first (IdentityModel then throttles further reads for the interval).
        var reads = _directory.KeyRequests;
        Assert.Equal(HttpStatusCode.Unauthorized, (await Create(api, _directory.Token(EntraHttpTests.MonitoringApp, ["Tickets.Write"], key: EntraDirectoryServer.NewKey("stray")))).StatusCode);

        _directory.Rotate("key-2");
        // Each refused token with the new key asks again; one is taken once the interval (1 s here, not IdentityModel's
        // 5 minutes) has passed since the last read. The guard only stops a read that never comes.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        HttpStatusCode status;
        do
        {
            guard.Token.ThrowIfCancellationRequested();
            status = (await Create(api, Write())).StatusCode;
            await Task.Yield();
        } while (status != HttpStatusCode.OK);

        Assert.True(_directory.KeyRequests > reads, "the key set was read again");
    }

    private string Write() => _directory.Token(EntraHttpTests.MonitoringApp, ["Tickets.Write"]);

    private static Task<HttpResponseMessage> Create(TestApi api, string token) =>
        api.Client.SendAsync(api.Request(HttpMethod.Post, TestApi.CreatePath, token, Bodies.ContractExample, realmHeader: "entra"));
}
