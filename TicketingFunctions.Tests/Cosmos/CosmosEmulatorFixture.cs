using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Tests.Cosmos;

[CollectionDefinition(Name)]
// Azurite too, so that the HTTP suites on Cosmos DB keep attachments in Blob Storage: both stores, both attachment stores.
public sealed class CosmosEmulatorCollection : ICollectionFixture<CosmosEmulatorFixture>, ICollectionFixture<TicketingFunctions.Tests.Attachments.AzuriteFixture>
{
    public const string Name = "Cosmos DB emulator";
}

/// <summary>
/// Runs tools/cosmos-emulator/server.js (@vercel/cosmosdb-server, in memory) on a free loopback port for
/// the tests of one collection, and stops it at the end. Installs its npm packages first when they are
/// missing. Without Node.js the tests fail, saying what to install: they are never skipped.
/// </summary>
public sealed class CosmosEmulatorFixture : IAsyncLifetime
{
    /// <summary>The key every Cosmos DB emulator accepts (published with the official emulator).</summary>
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private readonly StringBuilder _stderr = new();
    private readonly List<IDisposable> _owned = [];
    private Process? _server;
    private CosmosTicketStore? _sharedStore;

    public CosmosEmulatorFixture()
    {
        // Before any CosmosClient exists: no VM-metadata probe to a non-loopback address.
        Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");
    }

    public Uri Endpoint { get; private set; } = null!;

    public string EmulatorDirectory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        EmulatorDirectory = FindEmulatorDirectory();
        var node = FindOnPath("node") ?? throw new InvalidOperationException(
            "The Cosmos DB tests need Node.js 20 or later ('node' and 'npm' on PATH) to run their Cosmos DB server " +
            "(tools/cosmos-emulator), and 'node' is not on PATH. Install Node.js 20 or later with npm (Debian 12's own " +
            "nodejs package is 18: use a Node.js 20+ build), then run tools/cosmos-emulator/install.sh.");
        await CheckNodeVersionAsync(node);
        if (!File.Exists(Path.Combine(EmulatorDirectory, "node_modules", "@vercel", "cosmosdb-server", "package.json")))
            await InstallAsync(EmulatorDirectory);

        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = EmulatorDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "server.js", "--port", "0", "--host", "127.0.0.1", "--watch-stdin" }) start.ArgumentList.Add(arg);
        _server = Process.Start(start) ?? throw new InvalidOperationException("Could not start node server.js.");
        _server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr) if (_stderr.Length < 64_000) _stderr.AppendLine(e.Data);
        };
        _server.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (true)
            {
                var line = await _server.StandardOutput.ReadLineAsync(timeout.Token)
                           ?? throw new InvalidOperationException($"tools/cosmos-emulator/server.js exited before listening.\n{Stderr()}");
                if (TryParseListening(line, out var endpoint))
                {
                    Endpoint = endpoint;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"tools/cosmos-emulator/server.js did not report its port within {StartTimeout.TotalSeconds} s.\n{Stderr()}");
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        _ = Task.Run(async () =>
        {
            try { while (await _server.StandardOutput.ReadLineAsync() is not null) { } }
            catch (Exception) { /* the process is gone */ }
        });
    }

    /// <summary>Settings for the emulator: Gateway mode, key auth, its self-signed certificate trusted, containers created.</summary>
    public CosmosOptions Options(string database) => new()
    {
        Endpoint = Endpoint.AbsoluteUri,
        Key = EmulatorKey,
        ConnectionMode = "Gateway",
        AcceptEmulatorCertificate = true,
        CreateIfNotExists = true,
        Database = database,
    };

    /// <summary>The same settings as configuration keys (<c>CosmosDb:*</c>).</summary>
    public Dictionary<string, string?> Settings(string database) => new()
    {
        ["CosmosDb:Endpoint"] = Endpoint.AbsoluteUri,
        ["CosmosDb:Key"] = EmulatorKey,
        ["CosmosDb:ConnectionMode"] = "Gateway",
        ["CosmosDb:AcceptEmulatorCertificate"] = "true",
        ["CosmosDb:CreateIfNotExists"] = "true",
        ["CosmosDb:Database"] = database,
    };

    /// <summary>A client provider owned (and disposed) by the fixture.</summary>
    public CosmosClientProvider NewProvider(string database, CosmosHttpInterceptor? interceptor = null)
    {
        var provider = new CosmosClientProvider(Microsoft.Extensions.Options.Options.Create(Options(database)), NullLogger<CosmosClientProvider>.Instance, interceptor);
        lock (_owned) _owned.Add(provider);
        return provider;
    }

    public CosmosTicketStore NewStore(string database, CosmosHttpInterceptor? interceptor = null) => new(NewProvider(database, interceptor));

    /// <summary>One store for tests that use fresh tenants, so they share one warmed-up client.</summary>
    public CosmosTicketStore SharedStore => _sharedStore ??= NewStore("shared");

    public static string NewDatabaseName() => "test-" + Guid.NewGuid().ToString("N")[..12];

    public string Stderr()
    {
        lock (_stderr) return _stderr.Length == 0 ? "(server.js wrote nothing on stderr)" : "server.js stderr:\n" + _stderr;
    }

    public async Task DisposeAsync()
    {
        lock (_owned)
        {
            foreach (var owned in _owned) owned.Dispose();
            _owned.Clear();
        }
        if (_server is null) return;
        try
        {
            // Closing stdin stops the server; kill it if it doesn't go.
            _server.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _server.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { _server.Kill(entireProcessTree: true); }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _server.Dispose();
    }

    private static bool TryParseListening(string line, out Uri endpoint)
    {
        endpoint = null!;
        if (!line.StartsWith('{')) return false;
        try
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("event", out var e) && e.GetString() == "listening"
                && json.RootElement.TryGetProperty("port", out var port))
            {
                endpoint = new Uri($"https://127.0.0.1:{port.GetInt32()}/");
                return true;
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }

    private static async Task CheckNodeVersionAsync(string node)
    {
        var (exit, output) = await RunAsync(node, ["--version"], Directory.GetCurrentDirectory(), TimeSpan.FromSeconds(30));
        var text = output.Trim();
        if (exit != 0 || !Version.TryParse(text.TrimStart('v').Split('-')[0], out var version) || version.Major < 20)
            throw new InvalidOperationException($"The Cosmos DB tests need Node.js 20 or later; '{node} --version' said: {text}. Install Node.js 20+.");
    }

    private static async Task InstallAsync(string directory)
    {
        var npm = FindOnPath("npm") ?? throw new InvalidOperationException(
            "The Cosmos DB tests need npm (with Node.js 20+) to install tools/cosmos-emulator, and 'npm' is not on PATH: " +
            "install Node.js 20+ with npm, then run tools/cosmos-emulator/install.sh.");
        var (exit, output) = await RunAsync(npm, ["ci", "--no-audit", "--no-fund"], directory, InstallTimeout);
        if (exit != 0)
            throw new InvalidOperationException($"'npm ci' in tools/cosmos-emulator failed ({exit}); run tools/cosmos-emulator/install.sh.\n{output}");
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] args, string directory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' did not finish within {timeout}.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
            if (OperatingSystem.IsWindows() && File.Exists(candidate + ".exe")) return candidate + ".exe";
            if (OperatingSystem.IsWindows() && File.Exists(candidate + ".cmd")) return candidate + ".cmd";
        }
        return null;
    }

    private static string FindEmulatorDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tools", "cosmos-emulator");
            if (File.Exists(Path.Combine(candidate, "server.js"))) return candidate;
        }
        throw new InvalidOperationException($"tools/cosmos-emulator/server.js was not found above {AppContext.BaseDirectory}.");
    }
}
