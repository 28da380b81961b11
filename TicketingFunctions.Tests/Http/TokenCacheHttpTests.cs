using System.Net;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Tests.Http;

/// <summary>The validated-token cache behind the real realm JwtBearer scheme, counted with its OnTokenValidated event.</summary>
public sealed class TokenCacheHttpTests
{
    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static async Task<(TestApi Api, Func<int> Validations)> StartAsync(TimeProvider? time = null, string? cacheSize = null)
    {
        var validations = 0;
        var api = await TestApi.StartAsync(
            settings => { if (cacheSize is not null) settings["Auth:TokenCacheSize"] = cacheSize; },
            services =>
            {
                if (time is not null) services.AddSingleton(time);
                services.PostConfigure<JwtBearerOptions>(RealmAuthentication.SchemeForRealm(TestApi.Realm), o =>
                    o.Events = new JwtBearerEvents { OnTokenValidated = _ => { Interlocked.Increment(ref validations); return Task.CompletedTask; } });
            });
        return (api, () => Volatile.Read(ref validations));
    }

    [Fact]
    public async Task A_token_is_validated_once_for_many_requests()
    {
        var (api, validations) = await StartAsync();
        await using var _ = api;
        var token = api.Token();

        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await api.CreateAsync(Bodies.ContractExample, token)).StatusCode);

        Assert.Equal(1, validations());
    }

    [Fact]
    public async Task The_cache_expires_at_the_tokens_exp_from_the_validated_token()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var (api, validations) = await StartAsync(time);
        await using var _ = api;
        var token = api.Token(lifetime: TimeSpan.FromMinutes(2));

        Assert.Equal(HttpStatusCode.OK, (await api.CreateAsync(Bodies.ContractExample, token)).StatusCode);
        time.Now += TimeSpan.FromMinutes(1);
        Assert.Equal(HttpStatusCode.OK, (await api.CreateAsync(Bodies.ContractExample, token)).StatusCode);
        Assert.Equal(1, validations());

        // Past the token's exp by the cache's clock: the cached entry is not used; JwtBearer (real clock) checks again.
        time.Now += TimeSpan.FromMinutes(2);
        Assert.Equal(HttpStatusCode.OK, (await api.CreateAsync(Bodies.ContractExample, token)).StatusCode);
        Assert.Equal(2, validations());
    }

    [Fact]
    public async Task Each_token_keeps_its_own_caller()
    {
        var (api, validations) = await StartAsync();
        await using var _ = api;
        var users = Enumerable.Range(0, 5).Select(i => $"user{i}@example.com").ToArray();
        var tokens = users.Select(u => api.Token(username: u, email: u)).ToArray();

        for (var pass = 0; pass < 2; pass++)
            for (var i = 0; i < users.Length; i++)
            {
                var ticket = (await (await api.CreateAsync(Bodies.ContractExample, tokens[i])).JsonAsync()).GetProperty("ticket");
                Assert.Equal(users[i], ticket.GetProperty("data").GetProperty("submittedBy").GetString());
            }

        Assert.Equal(users.Length, validations());
    }

    [Fact]
    public async Task A_cached_token_is_still_refused_under_a_realm_that_did_not_issue_it()
    {
        var (api, _) = await StartAsync();
        await using var __ = api;
        var token = api.Token();
        Assert.Equal(HttpStatusCode.OK, (await api.CreateAsync(Bodies.ContractExample, token)).StatusCode);

        var response = await api.Client.SendAsync(api.Request(HttpMethod.Post, TestApi.CreatePath, token, Bodies.ContractExample, realmHeader: "other"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("AUTHENTICATION_FAILURE", (await response.JsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task With_the_cache_off_every_request_is_validated()
    {
        var (api, validations) = await StartAsync(cacheSize: "0");
        await using var _ = api;
        var token = api.Token();

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await api.CreateAsync(Bodies.ContractExample, token)).StatusCode);

        Assert.Equal(3, validations());
    }
}
