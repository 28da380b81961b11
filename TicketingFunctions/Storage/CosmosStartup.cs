using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Storage;

/// <summary>
/// Start-up work of the Cosmos store, run by the host before it serves requests:
/// with <c>CosmosDb__CreateIfNotExists=true</c> it creates the database and containers, and with
/// <c>Catalog__SeedFile</c> it upserts that catalog file. Neither happens when neither is set, so a
/// plain start-up in Azure makes no call to Cosmos DB. A failure stops the start-up with its reason.
/// </summary>
public sealed class CosmosStartup(CosmosClientProvider clients, ITicketStore store, IConfiguration configuration, ILogger<CosmosStartup> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (clients.Options.CreateIfNotExists)
            await clients.EnsureCreatedAsync(cancellationToken);

        var seedFile = configuration[$"{CatalogOptions.SectionName}:{nameof(CatalogOptions.SeedFile)}"];
        if (!string.IsNullOrWhiteSpace(seedFile))
        {
            var count = await CatalogSeeder.SeedFileAsync(store, seedFile, cancellationToken);
            logger.LogInformation("Seeded the catalogs of {Count} tenant(s) from {File} into Cosmos DB.", count, seedFile);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
