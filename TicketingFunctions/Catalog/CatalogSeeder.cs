using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Catalog;

/// <summary>
/// At start-up, upserts <c>Catalog__SeedFile</c> into the store. On the embedded store (the local default) it
/// loads the sample catalog when no seed file is set, at every start, so that an edited sample applies.
/// </summary>
public sealed class CatalogSeeding(ITicketStore store, IOptions<CatalogOptions> options, CatalogProvider catalogs, ILogger<CatalogSeeding> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.SeedFile;
        if (string.IsNullOrWhiteSpace(path))
        {
            if (store is not EmbeddedTicketStore) return;
            path = CatalogFileReader.SampleCatalogPath;
        }
        var file = await CatalogFileReader.ReadAsync(path, cancellationToken);
        foreach (var tenant in file.Tenants)
        {
            await store.UpsertCatalogAsync(tenant, cancellationToken);
            catalogs.Invalidate(tenant.TenantId);
        }
        logger.LogInformation("Seeded the catalog of {TenantCount} tenants from {Path}", file.Tenants.Count, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
