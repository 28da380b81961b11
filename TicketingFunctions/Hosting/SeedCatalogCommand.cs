using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Catalog;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Hosting;

/// <summary>
/// <c>dotnet run --project TicketingFunctions -- seed-catalog &lt;file.json&gt;</c>: upserts every tenant of a
/// catalog file into the configured Cosmos DB store. Idempotent. Settings come from the same places as
/// the app's: the "Values" of a local.settings.json if present, then environment variables (which win). It seeds
/// through <see cref="CatalogSeeder"/>, as the app's start-up does.
/// </summary>
public static class SeedCatalogCommand
{
    public const string Name = "seed-catalog";

    /// <summary>Program.cs entry: <c>if (args[0] == "seed-catalog") return await SeedCatalogCommand.RunAsync(args[1..]);</c></summary>
    public static Task<int> RunAsync(string[] args) =>
        RunAsync(args, BuildConfiguration(), Console.Out, Console.Error);

    /// <summary>The command with explicit settings and output, for tests.</summary>
    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error,
        Action<IServiceCollection>? configureServices = null)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }
        if (args.Length > 1)
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }
        var file = args.Length == 1 ? args[0] : configuration[$"{CatalogOptions.SectionName}:{nameof(CatalogOptions.SeedFile)}"];
        if (string.IsNullOrWhiteSpace(file))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }
        if (!StorageRegistration.UsesCosmos(configuration))
        {
            await error.WriteLineAsync("seed-catalog writes to Cosmos DB, and CosmosDb__Endpoint is not set. " +
                                       "(For the embedded store, set Catalog__SeedFile and start the API: it loads the file at start-up.)");
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            var catalog = await CatalogFileReader.ReadAsync(file, cancel.Token);

            var services = new ServiceCollection();
            services.AddSingleton(configuration);
            services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton(TimeProvider.System);
            services.Configure<CatalogOptions>(configuration.GetSection(CatalogOptions.SectionName));
            services.AddTicketStore(configuration);
            services.AddSingleton<CatalogProvider>();
            services.AddSingleton<CatalogSeeder>();
            configureServices?.Invoke(services);
            await using var provider = services.BuildServiceProvider();

            var clients = provider.GetRequiredService<CosmosClientProvider>();
            if (clients.Options.CreateIfNotExists) await clients.EnsureCreatedAsync(cancel.Token);
            var count = await provider.GetRequiredService<CatalogSeeder>().SeedAsync(catalog, file, cancel.Token);

            await output.WriteLineAsync($"Seeded the catalogs of {count} tenant(s) from {file} into Cosmos DB database " +
                                        $"'{clients.Options.Database}' at {clients.Options.Endpoint}.");
            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or FileNotFoundException
                                      or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"seed-catalog: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is InvalidOperationException or StoreUnavailableException or Microsoft.Azure.Cosmos.CosmosException
                                      or HttpRequestException or OperationCanceledException or Azure.Identity.AuthenticationFailedException)
        {
            await error.WriteLineAsync($"seed-catalog: could not write to Cosmos DB at {configuration["CosmosDb:Endpoint"]}: {e.Message}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    public const string Usage = """
        usage: seed-catalog [<catalog.json>]
          Upserts every tenant of the catalog file (the format of catalog.sample.json; default: Catalog__SeedFile)
          into Cosmos DB. Needs CosmosDb__Endpoint (and CosmosDb__Key for an emulator); see docs/operations.md.
        """;

    /// <summary>
    /// The app's settings sources outside the Functions host: the "Values" of local.settings.json (in the
    /// current directory, else beside the app), then environment variables, which win.
    /// </summary>
    public static IConfiguration BuildConfiguration()
    {
        var builder = new ConfigurationBuilder();
        if (LocalSettings.Find() is { } localSettings) builder.AddInMemoryCollection(LocalSettings.Read(localSettings));
        builder.AddEnvironmentVariables();
        return builder.Build();
    }
}
