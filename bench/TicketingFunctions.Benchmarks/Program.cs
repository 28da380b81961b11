using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// bench/micro.sh runs this. In process: BenchmarkDotNet's default toolchain rebuilds the project (and the
// Functions SDK's extension project) per job, which takes minutes on 2 cores; the process is Release anyway.
var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)).AsDefault());
BenchmarkSwitcher.FromAssembly(typeof(TicketingFunctions.Benchmarks.BenchHost).Assembly).Run(args, config);
