using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TicketingFunctions.Benchmarks;

if (args.Length > 0 && args[0] == "--webhooks-probe")
{
    await WebhookProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2_000);
    return;
}

if (args.Length > 0 && args[0] == "--probe")
{
    var createOnly = args.Contains("--create-only");
    BenchHost.ConsoleLog = args.Contains("--log");
    var counts = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
    await Probe.RunAsync(counts.Length > 0 ? int.Parse(counts[0], System.Globalization.CultureInfo.InvariantCulture) : 20_000, createOnly);
    return;
}

// bench/micro.sh runs this. In process: BenchmarkDotNet's default toolchain rebuilds the project (and the
// Functions SDK's extension project) per job, which takes minutes on 2 cores; the process is Release anyway.
var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)).AsDefault());
BenchmarkSwitcher.FromAssembly(typeof(BenchHost).Assembly).Run(args, config);
