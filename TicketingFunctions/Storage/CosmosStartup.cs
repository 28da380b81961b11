using Microsoft.Extensions.Hosting;

namespace TicketingFunctions.Storage;

/// <summary>
/// With <c>CosmosDb__CreateIfNotExists=true</c> (local emulators), creates the database and containers
/// when the host starts, before it serves requests; a failure stops the start-up with its reason.
/// Otherwise it does nothing, so a start-up in Azure makes no call to Cosmos DB. (Seeding
/// <c>Catalog__SeedFile</c> is <c>CatalogSeeder</c>'s job, registered after this.)
/// </summary>
public sealed class CosmosStartup(CosmosClientProvider clients) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        clients.Options.CreateIfNotExists ? clients.EnsureCreatedAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
