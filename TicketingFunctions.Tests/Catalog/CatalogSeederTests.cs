using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Moq;
using TicketingFunctions.Catalog;
using TicketingFunctions.Hosting;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Architecture;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.Observability;

namespace TicketingFunctions.Tests.Catalog;

/// <summary>Start-up and the seed-catalog command seed through one seeder, <see cref="CatalogSeeder"/>.</summary>
public sealed class CatalogSeederTests
{
    private const string SeederLine = "Information TicketingFunctions.Services.CatalogSeeder: Seeded the catalog of 2 tenants from ";

    [Fact]
    public async Task Start_up_seeds_through_the_seeder()
    {
        var logs = new CapturingLoggerProvider();
        await using var api = await TestApi.StartAsync(services: s => s.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));

        Assert.Contains(logs.Lines, l => l.StartsWith(SeederLine + CatalogFileReader.SampleCatalogPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_seed_catalog_command_seeds_through_the_seeder()
    {
        var store = new Mock<ITicketStore>();
        var logs = new CapturingLoggerProvider();
        // A Cosmos DB configuration (the command refuses to run without one) whose store is replaced: nothing is sent.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CosmosDb:Endpoint"] = "https://127.0.0.1:1/",
            ["CosmosDb:Key"] = CosmosEmulatorFixture.EmulatorKey,
        }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await SeedCatalogCommand.RunAsync([CatalogFileReader.SampleCatalogPath], configuration, output, error, services =>
        {
            services.Replace(ServiceDescriptor.Singleton(store.Object));
            services.AddLogging(b => b.AddProvider(logs).AddFilter<CapturingLoggerProvider>(null, LogLevel.Information));
        });

        Assert.True(exit == 0, error.ToString());
        var file = await CatalogFileReader.ReadAsync(CatalogFileReader.SampleCatalogPath, default);
        foreach (var tenant in file.Tenants)
            store.Verify(s => s.UpsertCatalogAsync(It.Is<TenantCatalog>(c => c.TenantId == tenant.TenantId), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Contains(logs.Lines, l => l.StartsWith(SeederLine + CatalogFileReader.SampleCatalogPath, StringComparison.Ordinal));
        Assert.Contains("Seeded the catalogs of 2 tenant(s)", output.ToString());
    }

    [Fact]
    public void Nothing_but_the_seeder_writes_a_catalog()
    {
        var upsert = typeof(ITicketStore).GetMethod(nameof(ITicketStore.UpsertCatalogAsync))!;
        var writers = MethodBodies.All(MethodBodies.Product)
            .Where(m => MethodBodies.MembersUsedBy(m).Contains(upsert))
            .Select(m => MethodBodies.OwnerOf(m.DeclaringType!))
            .Distinct()
            .ToList();

        Assert.Equal([typeof(CatalogSeeder)], writers);
    }

    [Fact]
    public void The_host_and_the_command_register_the_seeder()
    {
        var hosted = new ServiceCollection().AddTicketing(new ConfigurationBuilder().Build());
        Assert.Contains(hosted, d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService) && d.ImplementationType == typeof(CatalogSeeder));

        var commandUses = typeof(SeedCatalogCommand).GetNestedTypes(BindingFlags.NonPublic).Prepend(typeof(SeedCatalogCommand))
            .SelectMany(t => t.GetMethods(MethodBodies.Declared))
            .SelectMany(MethodBodies.MembersUsedBy);
        Assert.Contains(typeof(CatalogSeeder).GetMethod(nameof(CatalogSeeder.SeedAsync)), commandUses);
    }
}
