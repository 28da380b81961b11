using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Services;

/// <summary>
/// The one way a catalog file (the format of catalog.sample.json) gets into the store, used at start-up and by the
/// <c>seed-catalog</c> command. Each tenant's catalog replaces the stored one whole, so seeding the same file again
/// changes nothing; the cached copy is dropped so that requests see the new one.
/// At start-up it upserts <c>Catalog__SeedFile</c>; on the embedded store (the local default) it loads the sample
/// catalog when no seed file is set, at every start, so that an edited sample applies.
/// </summary>
public sealed class CatalogSeeder(ITicketStore store, IOptions<CatalogOptions> options, CatalogProvider catalogs, ILogger<CatalogSeeder> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.SeedFile;
        if (string.IsNullOrWhiteSpace(path))
        {
            if (store is not EmbeddedTicketStore) return;
            path = CatalogFileReader.SampleCatalogPath;
        }
        await SeedAsync(await CatalogFileReader.ReadAsync(path, cancellationToken), path, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Upserts every tenant's catalog of <paramref name="file"/> (read from <paramref name="path"/>); returns how many.</summary>
    public async Task<int> SeedAsync(CatalogFile file, string path, CancellationToken cancellationToken)
    {
        var tenants = file.Tenants ?? [];
        foreach (var tenant in tenants)
        {
            await store.UpsertCatalogAsync(tenant, cancellationToken);
            catalogs.Invalidate(tenant.TenantId);
        }
        logger.LogInformation("Seeded the catalog of {TenantCount} tenants from {Path}", tenants.Count, path);
        return tenants.Count;
    }

}
