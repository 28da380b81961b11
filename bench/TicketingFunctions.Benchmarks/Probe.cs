using System.Diagnostics;

namespace TicketingFunctions.Benchmarks;

/// <summary>
/// <c>--probe [N]</c>: a quick, rough check between BenchmarkDotNet runs: N whole creates (cached RS256 token) through
/// the in-process pipeline after a warm-up, printing bytes allocated and microseconds per create. Allocation is exact
/// (GC.GetTotalAllocatedBytes); time is a wall-clock mean, so use BenchmarkDotNet for numbers to publish.
/// </summary>
public static class Probe
{
    public static async Task RunAsync(int count)
    {
        var benchmark = new CreateBenchmarks { TokenCache = true };
        await benchmark.Setup();
        for (var i = 0; i < Math.Max(2000, count / 4); i++) await benchmark.Create();

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) await benchmark.Create();
        clock.Stop();
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine($"create (in process, cached token): {bytes / (double)count / 1024:F2} KB allocated, {clock.Elapsed.TotalMicroseconds / count:F1} us per create over {count}");
        await benchmark.Cleanup();
    }
}
