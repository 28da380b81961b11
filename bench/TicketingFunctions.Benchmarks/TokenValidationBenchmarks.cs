using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Benchmarks;

/// <summary>
/// An RS256 bearer token through the "Bearer" policy scheme → the realm's JwtBearer scheme → the caller, as
/// <see cref="RequestAuthenticator"/> does for every request (one DI scope per request, as a server makes).
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    private BenchHost _host = null!;
    private string _token = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _host = await BenchHost.StartAsync();
        _token = BenchHost.MintRs256();
        if (await Authenticate() is null) throw new InvalidOperationException("The RS256 token was refused.");
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _host.DisposeAsync();

    [Benchmark]
    public Task<Caller?> Rs256() => Authenticate();

    private async Task<Caller?> Authenticate()
    {
        await using var scope = _host.App.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = "Bearer " + _token;
        context.Request.Headers[RealmAuthentication.RealmHeader] = BenchHost.Realm;
        return await scope.ServiceProvider.GetRequiredService<RequestAuthenticator>().AuthenticateAsync(context);
    }
}
