namespace TicketingFunctions.Storage;

/// <summary>Settings under <c>CosmosDb__*</c>. The Cosmos DB store is used only when <see cref="Endpoint"/> is set.</summary>
public sealed class CosmosOptions
{
    public const string SectionName = "CosmosDb";

    public string? Endpoint { get; set; }
    public string Database { get; set; } = "ticketing";
    public string TicketsContainer { get; set; } = "tickets";
    public string TenantsContainer { get; set; } = "tenants";
    /// <summary>The tenants' event feeds: partitioned by <c>/tenant_id</c>, with per-item TTL (default TTL -1).</summary>
    public string EventsContainer { get; set; } = "events";

    /// <summary>Account key, for emulators only. When unset the app authenticates with its managed identity.</summary>
    public string? Key { get; set; }

    /// <summary><c>Direct</c> (default) or <c>Gateway</c>.</summary>
    public string ConnectionMode { get; set; } = "Direct";

    /// <summary>Trust an emulator's self-signed certificate; honoured only for loopback endpoints.</summary>
    public bool AcceptEmulatorCertificate { get; set; }

    /// <summary>
    /// The most time one store operation may take, the SDK's retries included (throttling, timeouts); past it the
    /// request answers 503 with Retry-After instead of hanging.
    /// </summary>
    public int RequestBudgetSeconds { get; set; } = 10;

    /// <summary>Create the database and containers at start-up (local emulators). In Azure the infra creates them.</summary>
    public bool CreateIfNotExists { get; set; }
}
