using BenchmarkDotNet.Attributes;

namespace TicketingFunctions.Benchmarks;

/// <summary>
/// The whole create: POST through the app's pipeline (routing, the auth middleware and the realm's JwtBearer
/// scheme with an RS256 token, the function, validation, the embedded store, the JSON response), in process.
/// The host is rebuilt after every iteration so the store does not grow across the run. Cached: the token cache
/// as deployed (after the first request, a hit); Uncached: Auth:TokenCacheSize 0, every request validates.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(4096)]
[IterationCount(15)]
[WarmupCount(2)]
public class CreateBenchmarks
{
    private BenchHost _host = null!;
    private Dictionary<string, string?> _settings = null!;
    private string _authorization = null!;
    private readonly MemoryStream _response = new();

    [Params(true, false)]
    public bool TokenCache { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _authorization = "Bearer " + BenchHost.MintRs256();
        _settings = TokenCache ? [] : new() { ["Auth:TokenCacheSize"] = "0" };
        _host = await BenchHost.StartAsync(_settings);
        var status = await Create();
        if (status != 200) throw new InvalidOperationException($"Create answered {status}: {System.Text.Encoding.UTF8.GetString(_response.ToArray())}");
    }

    [IterationCleanup]
    public void Fresh()
    {
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _host = BenchHost.StartAsync(_settings).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _host.DisposeAsync();

    [Benchmark]
    public Task<int> Create()
    {
        _response.SetLength(0);
        return _host.Server.ProcessAsync(BenchHost.CreateRequest(_authorization, _response));
    }
}
