using System.Text.Json;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Storage;

/// <summary>
/// Upserts every tenant of a catalog file (the format of catalog.sample.json) into a store. Each tenant's
/// catalog replaces the stored one whole, so seeding the same file again changes nothing.
/// </summary>
public static class CatalogSeeder
{
    private static readonly JsonSerializerOptions FileOptions = new(JsonSerializerDefaults.General)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads and checks a catalog file; throws <see cref="InvalidDataException"/> naming the file when it is unusable.</summary>
    public static async Task<CatalogFile> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        CatalogFile? file;
        try
        {
            await using var stream = File.OpenRead(path);
            file = await JsonSerializer.DeserializeAsync<CatalogFile>(stream, FileOptions, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a catalog file: {e.Message}", e);
        }
        if (file?.Tenants is null) throw new InvalidDataException($"{path} is not a catalog file: it has no \"tenants\" array.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tenant in file.Tenants)
        {
            if (tenant is null || string.IsNullOrWhiteSpace(tenant.TenantId))
                throw new InvalidDataException($"{path}: every tenant needs a \"tenantId\".");
            if (!seen.Add(tenant.TenantId))
                throw new InvalidDataException($"{path}: tenant {tenant.TenantId} appears twice.");
        }
        return file;
    }

    /// <summary>Upserts every tenant's catalog; returns how many were written.</summary>
    public static async Task<int> SeedAsync(ITicketStore store, CatalogFile file, CancellationToken cancellationToken)
    {
        foreach (var tenant in file.Tenants)
            await store.UpsertCatalogAsync(tenant, cancellationToken);
        return file.Tenants.Count;
    }

    public static async Task<int> SeedFileAsync(ITicketStore store, string path, CancellationToken cancellationToken) =>
        await SeedAsync(store, await ReadFileAsync(path, cancellationToken), cancellationToken);
}
