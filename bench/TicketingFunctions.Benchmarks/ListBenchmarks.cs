using BenchmarkDotNet.Attributes;

namespace TicketingFunctions.Benchmarks;

/// <summary>
/// One page (25 tickets, no data) of a team's queue, newest first, from a tenant of 100,000 tickets in the embedded
/// store: GET through the app's whole pipeline (routing, RS256 token from the cache, the function, the continuation
/// token's check, the store's index, the JSON response), in process. Page 1 against page 400 (tickets 9,976 to
/// 10,000): the cost of a page must not grow with its position.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(2048)]
[IterationCount(15)]
[WarmupCount(2)]
public class ListBenchmarks
{
    public const int Tickets = 100_000;
    public const string Query = "?teamId=james&pageSize=25";

    private BenchHost _host = null!;
    private string _authorization = null!;
    private string _query = null!;
    private readonly MemoryStream _response = new();

    [Params(1, 400)]
    public int Page { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _authorization = "Bearer " + BenchHost.MintRs256();
        _host = await BenchHost.StartAsync();
        await _host.SeedAsync(_authorization, Tickets);
        var token = await _host.TokenForPageAsync(_authorization, Query, Page);
        _query = token is null ? Query : $"{Query}&continuationToken={token}";
        var status = await List();
        if (status != 200) throw new InvalidOperationException($"List answered {status}: {System.Text.Encoding.UTF8.GetString(_response.ToArray())}");
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _host.DisposeAsync();

    [Benchmark]
    public Task<int> List()
    {
        _response.SetLength(0);
        return _host.Server.ProcessAsync(BenchHost.ListRequest(_authorization, _query, _response));
    }
}
