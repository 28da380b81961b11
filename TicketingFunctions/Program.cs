using System.Runtime.CompilerServices;
using Microsoft.Extensions.Hosting;
using TicketingFunctions.Hosting;

try
{
    return await RunAsync(args);
}
catch (Exception e) when (StartupFailure.Describe(e) is { } line)
{
    // A setting or a port the user can fix: one line naming it, no stack trace (docs/operations.md, "Start-up errors").
    Console.Error.WriteLine(line);
    return StartupFailure.ExitCode;
}

static async Task<int> RunAsync(string[] args)
{
    if (HostMode.IsFunctionsHost(args, Environment.GetEnvironmentVariable))
        return await RunUnderFunctionsHostAsync(args);

    if (HelpCommand.IsHelp(args))
    {
        Console.WriteLine(HelpCommand.Text);
        return 0;
    }

    if (args.Length > 0 && args[0] == "dev-token")
    {
        // A development command: unless an environment is named, it reads settings as `dotnet run` does (Development:
        // without local.settings.json, the sample's local-only key), so the README's token works in a fresh shell.
        var named = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT");
        var builder = StandaloneHost.CreateBuilder(named is null ? ["--environment", "Development"] : []);
        return DevTokenCommand.Run(args[1..], builder.Configuration);
    }

    if (args.Length > 0 && args[0] == "reset-local-data")
    {
        var builder = StandaloneHost.CreateBuilder(args[1..]);
        return ResetLocalDataCommand.Run(builder.Configuration, builder.Environment, Console.Out);
    }

    if (args.Length > 0 && args[0] == "seed-catalog")
    {
        return await SeedCatalogCommand.RunAsync(args[1..]);
    }

    // Anything else: the same functions on Kestrel.
    var app = StandaloneHost.Build(StandaloneHost.CreateBuilder(args));
    StandaloneHost.PrintWelcome(app);
    await app.RunAsync();
    return 0;
}

// Started by the Functions host (func start, Azure): the isolated worker. A method of its own, so that the
// standalone host never loads the worker's and Application Insights' assemblies (start-up time).
[MethodImpl(MethodImplOptions.NoInlining)]
static async Task<int> RunUnderFunctionsHostAsync(string[] args)
{
    var functions = FunctionsWorkerHost.CreateBuilder(args);
    await functions.Build().RunAsync();
    return 0;
}
