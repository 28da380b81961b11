using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tests.Cosmos;

namespace TicketingFunctions.Tests.Http;

/// <summary>Starts in-process hosts on one kind of store, so the HTTP contract suite runs on each store.</summary>
public interface IApiHosts
{
    Task<TestApi> StartAsync(Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null);

    /// <summary>The same host on Kestrel, on a loopback port (<see cref="TestApi.StartOnLoopbackAsync"/>).</summary>
    Task<TestApi> StartOnLoopbackAsync(Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null);
}

/// <summary>The embedded store (the local default), durable in a data folder of its own per host.</summary>
public sealed class EmbeddedHosts : IApiHosts
{
    public Task<TestApi> StartAsync(Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null) =>
        TestApi.StartAsync(configure, services);

    public Task<TestApi> StartOnLoopbackAsync(Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null) =>
        TestApi.StartOnLoopbackAsync(configure, services);
}

/// <summary>The Cosmos DB store on the emulator: every host gets a fresh database, seeded with the sample catalog.</summary>
public sealed class CosmosHosts(CosmosEmulatorFixture emulator) : IApiHosts
{
    public Task<TestApi> StartAsync(Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null) =>
        TestApi.StartAsync(OnFreshDatabase(configure), services);

    public Task<TestApi> StartOnLoopbackAsync(Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null) =>
        TestApi.StartOnLoopbackAsync(OnFreshDatabase(configure), services);

    private Action<Dictionary<string, string?>> OnFreshDatabase(Action<Dictionary<string, string?>>? configure) => settings =>
    {
        foreach (var (key, value) in emulator.Settings(CosmosEmulatorFixture.NewDatabaseName())) settings[key] = value;
        settings["Catalog:SeedFile"] = CatalogFileReader.SampleCatalogPath;
        configure?.Invoke(settings);
    };
}

/// <summary>The Cosmos DB store on the emulator with attachments in Blob Storage on Azurite (a fresh container per host).</summary>
public sealed class CosmosBlobHosts(CosmosEmulatorFixture emulator, TicketingFunctions.Tests.Attachments.AzuriteFixture azurite) : IApiHosts
{
    public Task<TestApi> StartAsync(Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null) =>
        new CosmosHosts(emulator).StartAsync(InFreshContainer(configure), services);

    public Task<TestApi> StartOnLoopbackAsync(Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null) =>
        new CosmosHosts(emulator).StartOnLoopbackAsync(InFreshContainer(configure), services);

    private Action<Dictionary<string, string?>> InFreshContainer(Action<Dictionary<string, string?>>? configure) => settings =>
    {
        foreach (var (key, value) in azurite.Settings()) settings[key] = value;
        configure?.Invoke(settings);
    };
}
