using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Tests.Auth;

/// <summary>
/// <see cref="RequestAuthenticator"/> with <see cref="ValidatedTokenCache"/>: the JwtBearer result is mocked
/// (IAuthenticationService), time is a manual clock.
/// </summary>
public sealed class TokenCacheTests
{
    private const string Scheme = "Bearer:demo";
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly Mock<IAuthenticationService> _jwtBearer = new();

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private (RequestAuthenticator Authenticator, ValidatedTokenCache Cache) Create(int capacity = 100)
    {
        var options = Options.Create(new AuthOptions { TokenCacheSize = capacity });
        var cache = new ValidatedTokenCache(options, _time);
        return (new RequestAuthenticator(options, cache, new EntraCallerFactory(Options.Create(new EntraOptions())),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<RequestAuthenticator>.Instance), cache);
    }

    /// <summary>The mocked scheme accepts <paramref name="token"/> as <paramref name="user"/>'s, valid until <paramref name="expires"/>.</summary>
    private void Accept(string token, string user, DateTimeOffset expires, string realm = "demo")
    {
        _jwtBearer
            .Setup(s => s.AuthenticateAsync(It.Is<HttpContext>(c => c.Request.Headers.Authorization == "Bearer " + token
                && c.Request.Headers["realmname"] == realm), RealmAuthentication.Scheme))
            .ReturnsAsync(() =>
            {
                var identity = new ClaimsIdentity(
                [
                    new Claim(ClaimNames.TenantId, "820188ff-2036-4924-b80f-d11610735d86"),
                    new Claim(ClaimNames.PreferredUsername, user),
                    new Claim(ClaimNames.Email, user),
                    new Claim(ClaimNames.Scope, "tickets:write"),
                    new Claim(ClaimNames.RealmAccess, JsonSerializer.Serialize(new { roles = new[] { "ticket_user" } })),
                ], "jwt");
                var properties = new AuthenticationProperties { ExpiresUtc = expires };
                return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, "Bearer:" + realm));
            });
    }

    private HttpContext Request(string? token, string realm = "demo")
    {
        var services = new ServiceCollection().AddSingleton(_jwtBearer.Object).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        if (token is not null) context.Request.Headers.Authorization = "Bearer " + token;
        context.Request.Headers["realmname"] = realm;
        return context;
    }

    private void VerifyValidations(int times) =>
        _jwtBearer.Verify(s => s.AuthenticateAsync(It.IsAny<HttpContext>(), It.IsAny<string>()), Times.Exactly(times));

    [Fact]
    public async Task A_hit_skips_validation()
    {
        var (authenticator, _) = Create();
        Accept("token-a", "a@example.com", _time.Now.AddHours(1));

        var first = await authenticator.AuthenticateAsync(Request("token-a"));
        var second = await authenticator.AuthenticateAsync(Request("token-a"));

        Assert.Equal("a@example.com", first!.Username);
        Assert.Same(first, second);
        VerifyValidations(1);
    }

    [Fact]
    public async Task A_hit_after_the_tokens_expiry_validates_again()
    {
        var (authenticator, _) = Create();
        Accept("token-a", "a@example.com", _time.Now.AddMinutes(2));
        await authenticator.AuthenticateAsync(Request("token-a"));

        _time.Now = _time.Now.AddMinutes(2).AddSeconds(-1);
        await authenticator.AuthenticateAsync(Request("token-a"));
        VerifyValidations(1);

        _time.Now = _time.Now.AddSeconds(1);   // exactly exp: no longer served from the cache
        await authenticator.AuthenticateAsync(Request("token-a"));
        VerifyValidations(2);
    }

    [Fact]
    public async Task A_long_lived_token_is_validated_again_after_five_minutes()
    {
        var (authenticator, _) = Create();
        Accept("token-a", "a@example.com", _time.Now.AddHours(8));
        await authenticator.AuthenticateAsync(Request("token-a"));

        _time.Now = _time.Now.Add(ValidatedTokenCache.MaxLifetime).AddTicks(-1);
        await authenticator.AuthenticateAsync(Request("token-a"));
        VerifyValidations(1);

        _time.Now = _time.Now.AddTicks(1);
        await authenticator.AuthenticateAsync(Request("token-a"));
        VerifyValidations(2);
    }

    [Fact]
    public async Task A_refused_token_is_not_cached()
    {
        var (authenticator, cache) = Create();
        _jwtBearer.Setup(s => s.AuthenticateAsync(It.IsAny<HttpContext>(), It.IsAny<string>()))
            .ReturnsAsync(AuthenticateResult.Fail("bad signature"));

        Assert.Null(await authenticator.AuthenticateAsync(Request("forged")));
        Assert.Null(await authenticator.AuthenticateAsync(Request("forged")));

        VerifyValidations(2);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Different_tokens_never_share_a_caller()
    {
        var (authenticator, _) = Create();
        var tokens = Enumerable.Range(0, 50).Select(i => (Token: $"token-{i}", User: $"user{i}@example.com")).ToList();
        foreach (var (token, user) in tokens) Accept(token, user, _time.Now.AddHours(1));

        // Twice round: the second pass is served from the cache, and each token still gets its own caller.
        for (var pass = 0; pass < 2; pass++)
            foreach (var (token, user) in tokens)
                Assert.Equal(user, (await authenticator.AuthenticateAsync(Request(token)))!.Username);

        VerifyValidations(tokens.Count);
    }

    [Fact]
    public async Task The_same_token_under_another_realm_header_is_validated_again()
    {
        var (authenticator, _) = Create();
        Accept("token-a", "a@example.com", _time.Now.AddHours(1));
        _jwtBearer.Setup(s => s.AuthenticateAsync(It.Is<HttpContext>(c => c.Request.Headers["realmname"] == "other"), It.IsAny<string>()))
            .ReturnsAsync(AuthenticateResult.Fail("wrong issuer"));

        Assert.NotNull(await authenticator.AuthenticateAsync(Request("token-a")));
        Assert.Null(await authenticator.AuthenticateAsync(Request("token-a", realm: "other")));
        VerifyValidations(2);
    }

    [Fact]
    public async Task The_cache_is_bounded()
    {
        var (authenticator, cache) = Create(capacity: 10);
        for (var i = 0; i < 100; i++)
        {
            Accept($"token-{i}", $"user{i}@example.com", _time.Now.AddHours(1));
            await authenticator.AuthenticateAsync(Request($"token-{i}"));
            Assert.InRange(cache.Count, 1, 10);
        }

        // The newest token is still cached.
        await authenticator.AuthenticateAsync(Request("token-99"));
        VerifyValidations(100);
    }

    [Fact]
    public async Task Expired_entries_make_room_first()
    {
        var (authenticator, cache) = Create(capacity: 3);
        Accept("short", "short@example.com", _time.Now.AddMinutes(1));
        Accept("long-1", "long1@example.com", _time.Now.AddHours(1));
        Accept("long-2", "long2@example.com", _time.Now.AddHours(1));
        foreach (var token in new[] { "short", "long-1", "long-2" }) await authenticator.AuthenticateAsync(Request(token));

        _time.Now = _time.Now.AddMinutes(2);
        Accept("new", "new@example.com", _time.Now.AddHours(1));
        await authenticator.AuthenticateAsync(Request("new"));
        Assert.Equal(3, cache.Count);

        // long-1 and long-2 stayed: served without validation.
        await authenticator.AuthenticateAsync(Request("long-1"));
        await authenticator.AuthenticateAsync(Request("long-2"));
        VerifyValidations(4);
    }

    [Fact]
    public async Task Size_zero_turns_the_cache_off()
    {
        var (authenticator, cache) = Create(capacity: 0);
        Accept("token-a", "a@example.com", _time.Now.AddHours(1));

        await authenticator.AuthenticateAsync(Request("token-a"));
        await authenticator.AuthenticateAsync(Request("token-a"));

        VerifyValidations(2);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_request_without_a_bearer_token_goes_to_the_scheme()
    {
        var (authenticator, cache) = Create();
        _jwtBearer.Setup(s => s.AuthenticateAsync(It.IsAny<HttpContext>(), It.IsAny<string>())).ReturnsAsync(AuthenticateResult.NoResult());

        Assert.Null(await authenticator.AuthenticateAsync(Request(null)));
        VerifyValidations(1);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Keys_differ_for_different_tokens_and_realms_and_match_for_equal_ones()
    {
        Assert.Equal(TokenKey.For("demo", "abc"), TokenKey.For("demo", "abc"));
        Assert.NotEqual(TokenKey.For("demo", "abc"), TokenKey.For("demo", "abd"));
        Assert.NotEqual(TokenKey.For("demo", "abc"), TokenKey.For("other", "abc"));
        // The realm's length is hashed too: moving characters between realm and token changes the key.
        Assert.NotEqual(TokenKey.For("dem", "oabc"), TokenKey.For("demo", "abc"));
        // Long tokens (pooled buffer) hash the same way as short ones would.
        var longToken = new string('x', 10_000);
        Assert.Equal(TokenKey.For("demo", longToken), TokenKey.For("demo", longToken));
        Assert.NotEqual(TokenKey.For("demo", longToken), TokenKey.For("demo", longToken + "y"));
    }
}
