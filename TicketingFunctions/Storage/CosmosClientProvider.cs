using TicketingFunctions.Settings;
using System.Net;
using Azure.Identity;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace TicketingFunctions.Storage;

/// <summary>
/// Optional hook into the HTTP pipeline of the Cosmos client: it wraps the handler that sends every
/// gateway request (every request, in Gateway mode). Register one in DI to count requests or inject
/// faults in tests; the product registers none.
/// </summary>
public sealed class CosmosHttpInterceptor(Func<HttpMessageHandler, HttpMessageHandler> wrap)
{
    public HttpMessageHandler Wrap(HttpMessageHandler inner) => wrap(inner);
}

/// <summary>The two containers of the store.</summary>
public sealed record CosmosContainers(Container Tickets, Container Tenants, Container Events);

/// <summary>
/// Owns the app's one <see cref="CosmosClient"/>. The client is built on first use, so start-up makes
/// no network call; with <see cref="CosmosOptions.CreateIfNotExists"/> the database and containers are
/// created once, before the first use of the containers (and by <see cref="CosmosStartup"/> at start-up).
/// </summary>
public sealed class CosmosClientProvider : IDisposable
{
    /// <summary>The path of the tickets container's unique key: one display id per tenant.</summary>
    public const string TicketUniqueKeyPath = "/object_id";
    public const string PartitionKeyPath = "/tenant_id";

    /// <summary>Never queried, so never indexed: a ticket's embedded history, and the entries of history archive documents.</summary>
    public const string TicketHistoryIndexExclusion = "/change_history/*";
    public const string ArchiveEntriesIndexExclusion = "/entries/*";

    private readonly CosmosOptions _options;
    private readonly CosmosHttpInterceptor? _interceptor;
    private readonly ILogger _logger;
    private readonly Lazy<CosmosClient> _client;
    private HttpMessageHandler? _handler;
    private readonly object _initGate = new();
    private Task? _init;

    public CosmosClientProvider(IOptions<CosmosOptions> options, ILogger<CosmosClientProvider>? logger = null, CosmosHttpInterceptor? interceptor = null)
    {
        _options = options.Value;
        Validate(_options);
        _interceptor = interceptor;
        _logger = logger ?? NullLogger<CosmosClientProvider>.Instance;
        _client = new Lazy<CosmosClient>(CreateClient, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public CosmosOptions Options => _options;

    /// <summary>The client, built on first access (which itself makes no network call).</summary>
    public CosmosClient Client => _client.Value;

    /// <summary>
    /// The containers, after creating them first when <see cref="CosmosOptions.CreateIfNotExists"/> is set.
    /// A failed creation is tried again by the next caller.
    /// </summary>
    public async ValueTask<CosmosContainers> GetContainersAsync(CancellationToken cancellationToken)
    {
        if (_options.CreateIfNotExists) await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var database = Client.GetDatabase(_options.Database);
        return new CosmosContainers(database.GetContainer(_options.TicketsContainer), database.GetContainer(_options.TenantsContainer),
            database.GetContainer(_options.EventsContainer));
    }

    /// <summary>Creates the database and both containers if they don't exist. Runs once per provider.</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        Task init;
        lock (_initGate)
        {
            if (_init is null || _init.IsFaulted || _init.IsCanceled) _init = CreateDatabaseAndContainersAsync();
            init = _init;
        }
        return init.WaitAsync(cancellationToken);
    }

    private async Task CreateDatabaseAndContainersAsync()
    {
        // Not tied to one caller's token: a caller giving up must not fail the creation for the others.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var database = (await Client.CreateDatabaseIfNotExistsAsync(_options.Database, cancellationToken: ct).ConfigureAwait(false)).Database;

        var tickets = new ContainerProperties(_options.TicketsContainer, PartitionKeyPath)
        {
            PartitionKeyDefinitionVersion = PartitionKeyDefinitionVersion.V2,
            UniqueKeyPolicy = new UniqueKeyPolicy { UniqueKeys = { new UniqueKey { Paths = { TicketUniqueKeyPath } } } },
            IndexingPolicy = TicketsIndexing(),
        };
        var created = await database.CreateContainerIfNotExistsAsync(tickets, cancellationToken: ct).ConfigureAwait(false);
        CheckLayout(created.Resource, requireUniqueKey: true);

        var tenants = new ContainerProperties(_options.TenantsContainer, PartitionKeyPath)
        {
            PartitionKeyDefinitionVersion = PartitionKeyDefinitionVersion.V2,
            IndexingPolicy = TenantsIndexing(),
        };
        created = await database.CreateContainerIfNotExistsAsync(tenants, cancellationToken: ct).ConfigureAwait(false);
        CheckLayout(created.Resource, requireUniqueKey: false);

        // Events expire by their own ttl (the feed's retention): TTL on, with no default expiry of its own.
        var events = new ContainerProperties(_options.EventsContainer, PartitionKeyPath)
        {
            PartitionKeyDefinitionVersion = PartitionKeyDefinitionVersion.V2,
            DefaultTimeToLive = -1,
            IndexingPolicy = IndexingExcept(EventTicketIndexExclusion),
        };
        created = await database.CreateContainerIfNotExistsAsync(events, cancellationToken: ct).ConfigureAwait(false);
        CheckLayout(created.Resource, requireUniqueKey: false);
        _logger.LogInformation("Cosmos DB database {Database} with containers {Tickets}, {Tenants} and {Events} is ready.",
            _options.Database, _options.TicketsContainer, _options.TenantsContainer, _options.EventsContainer);
    }

    /// <summary>An event's ticket snapshot is served, never queried: left out of the events container's index.</summary>
    public const string EventTicketIndexExclusion = "/ticket/*";

    /// <summary>The tickets container's policy: every path but the embedded history, and the listings' composite indexes.</summary>
    internal static IndexingPolicy TicketsIndexing()
    {
        var policy = IndexingExcept(TicketHistoryIndexExclusion);
        foreach (var composite in CosmosListingIndexes.Composite()) policy.CompositeIndexes.Add(composite);
        return policy;
    }

    /// <summary>The tenants container's policy: every path but the archived history entries, and the comment pages' composite index.</summary>
    internal static IndexingPolicy TenantsIndexing()
    {
        var policy = IndexingExcept(ArchiveEntriesIndexExclusion);
        var index = new System.Collections.ObjectModel.Collection<CompositePath>();
        foreach (var path in CosmosListingIndexes.CommentPagePaths) index.Add(new CompositePath { Path = path, Order = CompositePathSortOrder.Ascending });
        policy.CompositeIndexes.Add(index);
        return policy;
    }

    /// <summary>Consistent, automatic indexing of every path but <paramref name="excluded"/> (as in infra/core/database).</summary>
    internal static IndexingPolicy IndexingExcept(string excluded) => new()
    {
        IndexingMode = IndexingMode.Consistent,
        Automatic = true,
        IncludedPaths = { new IncludedPath { Path = "/*" } },
        ExcludedPaths = { new ExcludedPath { Path = excluded } },
    };

    /// <summary>A container that already existed may have been made with another layout; say so loudly.</summary>
    private void CheckLayout(ContainerProperties? properties, bool requireUniqueKey)
    {
        if (properties is null) return;
        if (properties.PartitionKeyPath is { } path && path != PartitionKeyPath)
            throw new SettingException($"Cosmos DB container {properties.Id} is partitioned by {path}; this app needs {PartitionKeyPath}: set CosmosDb__TicketsContainer and CosmosDb__TenantsContainer to containers made for it (infra/core/database).");
        if (requireUniqueKey && properties.UniqueKeyPolicy?.UniqueKeys.Any(k => k.Paths.Contains(TicketUniqueKeyPath)) != true)
            _logger.LogWarning("Cosmos DB container {Container} has no unique key on {Path}; display ids are then unique only by the counter.",
                properties.Id, TicketUniqueKeyPath);
        if (requireUniqueKey && !HasListingIndexes(properties.IndexingPolicy))
            _logger.LogWarning("Cosmos DB container {Container} lacks some of the listings' composite indexes; Cosmos DB refuses those list queries until they are added (infra/core/database).",
                properties.Id);
    }

    private static bool HasListingIndexes(IndexingPolicy? policy)
    {
        var declared = (policy?.CompositeIndexes ?? []).Select(c => string.Join(",", c.Select(p => p.Path))).ToHashSet(StringComparer.Ordinal);
        return CosmosListingIndexes.Paths().All(paths => declared.Contains(string.Join(",", paths)));
    }

    private CosmosClient CreateClient()
    {
        var endpoint = new Uri(_options.Endpoint!, UriKind.Absolute);
        var loopback = IsLoopback(endpoint);
        if (loopback && Environment.GetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS") is null)
        {
            // A local emulator runs on no Azure VM: keep the SDK from asking the VM metadata service.
            Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");
        }

        var acceptCertificate = ShouldAcceptEmulatorCertificate(_options);
        if (_options.AcceptEmulatorCertificate && !acceptCertificate)
            _logger.LogWarning("CosmosDb:AcceptEmulatorCertificate is ignored: {Host} is not a loopback address.", endpoint.Host);

        var primary = new SocketsHttpHandler
        {
            // Mirrors the SDK's own gateway handler: bounded connections, recycled for DNS changes.
            MaxConnectionsPerServer = 50,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (acceptCertificate) primary.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        var handler = _handler = _interceptor?.Wrap(primary) ?? primary;

        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "TicketingFunctions",
            ConnectionMode = ParseConnectionMode(_options.ConnectionMode),
            Serializer = new CosmosJsonSerializer(),
            // One handler for the client's life; the SDK asks for its HttpClient once per client.
            HttpClientFactory = () => new HttpClient(handler, disposeHandler: false),
            // An emulator is one region at one address: never follow the account's advertised endpoints.
            LimitToEndpoint = loopback,
            // Retries are bounded by the request budget, so no request waits on Cosmos DB longer than that.
            RequestTimeout = TimeSpan.FromSeconds(_options.RequestBudgetSeconds),
            MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromSeconds(_options.RequestBudgetSeconds),
            MaxRetryAttemptsOnRateLimitedRequests = 5,
        };
        if (acceptCertificate && clientOptions.ConnectionMode == ConnectionMode.Direct)
        {
            // Direct mode talks TCP to the emulator's replicas, outside the HttpClient.
            clientOptions.ServerCertificateCustomValidationCallback = static (_, _, _) => true;
        }

        _logger.LogInformation("Cosmos DB client for {Endpoint} ({Mode}, {Auth}).", endpoint, clientOptions.ConnectionMode,
            string.IsNullOrEmpty(_options.Key) ? "Microsoft Entra ID" : "account key");
        return string.IsNullOrEmpty(_options.Key)
            ? new CosmosClient(endpoint.AbsoluteUri, new DefaultAzureCredential(), clientOptions)
            : new CosmosClient(endpoint.AbsoluteUri, _options.Key, clientOptions);
    }

    /// <summary>Whether the endpoint's self-signed certificate is trusted: only when asked, and only on loopback.</summary>
    public static bool ShouldAcceptEmulatorCertificate(CosmosOptions options) =>
        options.AcceptEmulatorCertificate
        && Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint)
        && IsLoopback(endpoint);

    /// <summary>True for localhost, 127.0.0.0/8 and ::1 (by the literal host; no name is resolved).</summary>
    public static bool IsLoopback(Uri endpoint)
    {
        var host = endpoint.IdnHost.TrimEnd('.');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        if (host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    public static ConnectionMode ParseConnectionMode(string? value) => value?.Trim() switch
    {
        null or "" => ConnectionMode.Direct,
        var v when v.Equals("Direct", StringComparison.OrdinalIgnoreCase) => ConnectionMode.Direct,
        var v when v.Equals("Gateway", StringComparison.OrdinalIgnoreCase) => ConnectionMode.Gateway,
        var v => throw new SettingException($"CosmosDb__ConnectionMode must be Direct or Gateway, not '{v}'."),
    };

    /// <summary>Checks the settings without touching the network; throws with a message naming the setting.</summary>
    public static void Validate(CosmosOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Endpoint))
            throw new SettingException("CosmosDb__Endpoint is not set.");
        if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("https" or "http"))
            throw new SettingException($"CosmosDb__Endpoint must be an absolute https URL, not '{options.Endpoint}'.");
        ParseConnectionMode(options.ConnectionMode);
        foreach (var (name, value) in new[] { ("Database", options.Database), ("TicketsContainer", options.TicketsContainer), ("TenantsContainer", options.TenantsContainer), ("EventsContainer", options.EventsContainer) })
        {
            if (string.IsNullOrWhiteSpace(value)) throw new SettingException($"CosmosDb__{name} must not be empty.");
        }
        if (string.Equals(options.TicketsContainer, options.TenantsContainer, StringComparison.Ordinal))
            throw new SettingException("CosmosDb__TicketsContainer and CosmosDb__TenantsContainer must differ: the tickets container's unique key on /object_id would make tenant documents collide.");
        if (options.EventsContainer == options.TicketsContainer || options.EventsContainer == options.TenantsContainer)
            throw new SettingException("CosmosDb__EventsContainer must differ from the tickets and tenants containers: it has its own TTL and index.");
    }

    public void Dispose()
    {
        if (!_client.IsValueCreated) return;
        _client.Value.Dispose();
        _handler?.Dispose();
    }
}
