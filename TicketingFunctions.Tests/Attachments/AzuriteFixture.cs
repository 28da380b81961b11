using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using TicketingFunctions.Attachments;
using TicketingFunctions.Attachments.Storage;

namespace TicketingFunctions.Tests.Attachments;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>
/// Runs Azurite's Blob and Queue services (tools/azurite, in memory) on free loopback ports for the tests of one collection and
/// stops it at the end, as <see cref="Cosmos.CosmosEmulatorFixture"/> does for Cosmos DB. Installs the npm package from
/// its lockfile when it is missing. Without Node.js the tests fail, saying what to install: they are never skipped.
/// </summary>
public sealed partial class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account (published with Azurite): for local runs only.</summary>
    private const string DevAccount = "devstoreaccount1";
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _output = new();
    private readonly List<Process> _servers = [];
    private string? _workspace;

    public string ConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var directory = FindToolDirectory();
        if (!File.Exists(Path.Combine(directory, "node_modules", "azurite", "package.json")))
        {
            var install = Process.Start(new ProcessStartInfo("bash", [Path.Combine(directory, "install.sh")]) { UseShellExecute = false })
                ?? throw new InvalidOperationException("Could not run tools/azurite/install.sh.");
            await install.WaitForExitAsync();
            if (install.ExitCode != 0)
                throw new InvalidOperationException("tools/azurite/install.sh failed: the Blob and Queue tests need Node.js 20+ with npm to install Azurite.");
        }

        _workspace = Directory.CreateTempSubdirectory("azurite-").FullName;
        // Blob and Queue are separate Azurite servers, each on its own free port.
        var blob = await StartAsync(directory, "blob");
        var queue = await StartAsync(directory, "queue");
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={DevAccount};AccountKey={DevKey};" +
                           $"BlobEndpoint={blob}/{DevAccount};QueueEndpoint={queue}/{DevAccount};";
    }

    /// <summary>Starts one Azurite service (<c>blob</c> or <c>queue</c>) in memory on a free loopback port; returns its endpoint.</summary>
    private async Task<string> StartAsync(string directory, string service)
    {
        var start = new ProcessStartInfo("node")
        {
            // Its debug and extent files (none in memory mode) go to a scratch folder, not into the repository.
            WorkingDirectory = _workspace,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] memory = service == "blob" ? ["--extentMemoryLimit", "512"] : [];
        foreach (var arg in new[]
                 {
                     Path.Combine(directory, "node_modules", "azurite", "dist", "src", service, "main.js"), $"--{service}Host", "127.0.0.1", $"--{service}Port", "0", "--inMemoryPersistence",
                     "--silent", "--skipApiVersionCheck", "--disableTelemetry",
                 }.Concat(memory))
            start.ArgumentList.Add(arg);
        Process server;
        try
        {
            server = Process.Start(start) ?? throw new InvalidOperationException("Could not start Azurite.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The Blob and Queue tests need Node.js 20+ ('node' on PATH) to run Azurite (tools/azurite).", e);
        }
        _servers.Add(server);
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        server.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(StartTimeout);
        string endpoint;
        try
        {
            while (true)
            {
                var line = await server.StandardOutput.ReadLineAsync(timeout.Token)
                           ?? throw new InvalidOperationException($"Azurite ({service}) exited before listening.\n{Output()}");
                lock (_output) _output.AppendLine(line);
                if (Listening().Match(line) is { Success: true } match)
                {
                    endpoint = match.Groups[1].Value;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"Azurite ({service}) did not report its port within {StartTimeout.TotalSeconds} s.\n{Output()}");
        }
        _ = Task.Run(async () =>
        {
            try { while (await server.StandardOutput.ReadLineAsync() is not null) { } }
            catch (Exception) { /* the process is gone */ }
        });
        return endpoint;
    }

    [GeneratedRegex(@"successfully listens on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    /// <summary>A fresh container, created.</summary>
    public async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = new BlobServiceClient(ConnectionString).GetBlobContainerClient("attachments-" + Guid.NewGuid().ToString("N")[..12]);
        await container.CreateIfNotExistsAsync();
        return container;
    }

    /// <summary>A client of a fresh queue (not created: the first send creates it), with the queue trigger's Base64 messages.</summary>
    public Azure.Storage.Queues.QueueClient NewQueue() => new(ConnectionString, "webhook-deliveries-" + Guid.NewGuid().ToString("N")[..12],
        new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 });

    /// <summary>Settings for a host whose attachments go to a fresh container in Azurite.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        [$"{AttachmentOptions.SectionName}:{nameof(AttachmentOptions.BlobConnectionString)}"] = ConnectionString,
        [$"{AttachmentOptions.SectionName}:{nameof(AttachmentOptions.Container)}"] = "attachments-" + Guid.NewGuid().ToString("N")[..12],
        [$"{AttachmentOptions.SectionName}:{nameof(AttachmentOptions.CreateIfNotExists)}"] = "true",
    };

    private string Output()
    {
        lock (_output) return _output.ToString();
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            try
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            server.Dispose();
        }
        if (_workspace is not null)
        {
            try { Directory.Delete(_workspace, recursive: true); }
            catch (IOException) { }
        }
    }

    private static string FindToolDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tools", "azurite");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new InvalidOperationException($"tools/azurite was not found above {AppContext.BaseDirectory}.");
    }
}
