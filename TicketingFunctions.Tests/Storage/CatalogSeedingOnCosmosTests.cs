using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TicketingFunctions.Catalog;
using TicketingFunctions.Hosting;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;

namespace TicketingFunctions.Tests.Storage;

/// <summary>Seeding catalogs into Cosmos DB, through <see cref="CatalogSeeder"/> and the seed-catalog command.</summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class CatalogSeedingOnCosmosTests(CosmosEmulatorFixture emulator)
{
    private static string Sample => CatalogFileReader.SampleCatalogPath;

    [Fact]
    public async Task Seeding_twice_leaves_one_catalog_per_tenant_equal_to_the_file()
    {
        var database = CosmosEmulatorFixture.NewDatabaseName();
        var provider = emulator.NewProvider(database);
        var store = new CosmosTicketStore(provider);
        var file = await CatalogFileReader.ReadAsync(Sample, default);

        var options = Options.Create(new CatalogOptions());
        var seeder = new CatalogSeeder(store, options, new CatalogProvider(store, options, TimeProvider.System), NullLogger<CatalogSeeder>.Instance);

        Assert.Equal(file.Tenants.Count, await seeder.SeedAsync(file, Sample, default));
        Assert.Equal(file.Tenants.Count, await seeder.SeedAsync(await CatalogFileReader.ReadAsync(Sample, default), Sample, default));

        foreach (var tenant in file.Tenants)
        {
            var stored = await store.GetCatalogAsync(tenant.TenantId, default);
            Assert.Equal(JsonSerializer.Serialize(tenant), JsonSerializer.Serialize(stored));
            Assert.Equal(["catalog"], await DocumentIdsAsync(provider, tenant.TenantId));
        }
    }

    [Fact]
    public async Task The_seed_catalog_command_upserts_every_tenant_and_can_run_again()
    {
        var database = CosmosEmulatorFixture.NewDatabaseName();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(emulator.Settings(database)).Build();

        for (var run = 0; run < 2; run++)
        {
            var (exit, output, error) = await RunAsync([Sample], configuration);
            Assert.True(exit == 0, error);
            Assert.Contains("Seeded the catalogs of 2 tenant(s)", output);
        }

        var store = emulator.NewStore(database);
        Assert.Equal("Contoso", (await store.GetCatalogAsync("820188ff-2036-4924-b80f-d11610735d86", default))?.Name);
        Assert.NotNull(await store.GetCatalogAsync("5f0c6a8e-3c1e-4d2a-9b7e-2a4f1c9d8e71", default));
    }

    [Fact]
    public async Task The_seed_catalog_command_reads_the_file_from_catalog_seed_file_when_none_is_given()
    {
        var database = CosmosEmulatorFixture.NewDatabaseName();
        var settings = emulator.Settings(database);
        settings["Catalog:SeedFile"] = Sample;

        var (exit, output, error) = await RunAsync([], new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        Assert.True(exit == 0, error);
        Assert.Contains(Sample, output);
    }

    [Fact]
    public async Task The_seed_catalog_command_explains_what_is_missing()
    {
        var noCosmos = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
        var (exit, _, error) = await RunAsync([Sample], noCosmos);
        Assert.Equal(2, exit);
        Assert.Contains("CosmosDb__Endpoint", error);

        (exit, _, error) = await RunAsync([], noCosmos);
        Assert.Equal(2, exit);
        Assert.Contains("usage: seed-catalog", error);

        var cosmos = new ConfigurationBuilder().AddInMemoryCollection(emulator.Settings(CosmosEmulatorFixture.NewDatabaseName())).Build();
        (exit, _, error) = await RunAsync([Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json")], cosmos);
        Assert.Equal(1, exit);
        Assert.Contains("seed-catalog:", error);

        var bad = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(bad, "{\"tenants\": [ {\"tenantId\": \"not-a-uuid\"} ]}");
            (exit, _, error) = await RunAsync([bad], cosmos);
            Assert.Equal(1, exit);
            Assert.Contains("not a UUID", error);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args, IConfiguration configuration)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await SeedCatalogCommand.RunAsync(args, configuration, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<List<string>> DocumentIdsAsync(CosmosClientProvider provider, string tenantId)
    {
        var containers = await provider.GetContainersAsync(default);
        var query = new QueryDefinition("SELECT c.id FROM c WHERE c.tenant_id = @t").WithParameter("@t", tenantId);
        var ids = new List<string>();
        using var results = containers.Tenants.GetItemQueryIterator<JsonElement>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(tenantId) });
        while (results.HasMoreResults)
            foreach (var item in await results.ReadNextAsync())
                ids.Add(item.GetProperty("id").GetString()!);
        return ids;
    }
}
