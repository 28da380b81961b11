using TicketingFunctions.Catalog;

namespace TicketingFunctions.Storage;

/// <summary>
/// Upserts every tenant of a catalog file (the format of catalog.sample.json) into a store. Each tenant's
/// catalog replaces the stored one whole, so seeding the same file again changes nothing.
/// </summary>
public static class CatalogSeeder
{
    /// <summary>Upserts every tenant's catalog; returns how many were written.</summary>
    public static async Task<int> SeedAsync(ITicketStore store, CatalogFile file, CancellationToken cancellationToken)
    {
        var tenants = file.Tenants ?? [];
        foreach (var tenant in tenants)
            await store.UpsertCatalogAsync(tenant, cancellationToken);
        return tenants.Count;
    }

    /// <summary>Reads the file with <see cref="CatalogFileReader"/> (which checks it), then upserts it.</summary>
    public static async Task<int> SeedFileAsync(ITicketStore store, string path, CancellationToken cancellationToken) =>
        await SeedAsync(store, await CatalogFileReader.ReadAsync(path, cancellationToken), cancellationToken);
}
