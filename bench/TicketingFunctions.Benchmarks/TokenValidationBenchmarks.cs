using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Benchmarks;

/// <summary>
/// An RS256 bearer token through <see cref="RequestAuthenticator"/>, as every request does (one DI scope per
/// request, as a server makes): uncached (Auth:TokenCacheSize 0) runs the "Bearer" policy scheme, the realm's
/// JwtBearer scheme (signature, issuer, audience, lifetime) and the claims → caller mapping; cached finds the
/// caller by the token's SHA-256.
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    private BenchHost _uncached = null!;
    private BenchHost _cached = null!;
    private string _authorization = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _uncached = await BenchHost.StartAsync(new Dictionary<string, string?> { ["Auth:TokenCacheSize"] = "0" });
        _cached = await BenchHost.StartAsync();
        _authorization = "Bearer " + BenchHost.MintRs256();
        if (await Authenticate(_uncached) is null || await Authenticate(_cached) is null)
            throw new InvalidOperationException("The RS256 token was refused.");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _uncached.DisposeAsync();
        await _cached.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public Task<Caller?> Rs256_Uncached() => Authenticate(_uncached);

    [Benchmark]
    public Task<Caller?> Rs256_Cached() => Authenticate(_cached);

    private async Task<Caller?> Authenticate(BenchHost host)
    {
        await using var scope = host.App.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = _authorization;
        context.Request.Headers[RealmAuthentication.RealmHeader] = BenchHost.Realm;
        return await scope.ServiceProvider.GetRequiredService<RequestAuthenticator>().AuthenticateAsync(context);
    }
}
