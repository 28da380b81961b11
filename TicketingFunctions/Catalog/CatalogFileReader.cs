using System.Text.Json;

namespace TicketingFunctions.Catalog;

public static class CatalogFileReader
{
    /// <summary>The catalog shipped with the app, used by the embedded store when no seed file is named.</summary>
    public static string SampleCatalogPath => Path.Combine(AppContext.BaseDirectory, "catalog.sample.json");

    public static async Task<CatalogFile> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var file = await JsonSerializer.DeserializeAsync(stream, CatalogJsonContext.Default.CatalogFile, cancellationToken)
            ?? throw new InvalidDataException($"Catalog file {path} is empty.");
        foreach (var tenant in file.Tenants ?? [])
        {
            if (!Guid.TryParseExact(tenant.TenantId, "D", out _))
                throw new InvalidDataException($"Catalog file {path}: tenantId '{tenant.TenantId}' is not a UUID.");
            foreach (var type in tenant.TicketTypes ?? [])
            {
                foreach (var field in type.Fields ?? [])
                    if (!FieldTypes.IsKnown(field.Type))
                        throw new InvalidDataException($"Catalog file {path}: field {field.Id} of type {type.Id} has unknown type '{field.Type}'.");
                if (WorkflowDefinitionRules.Problems(type) is { Count: > 0 } problems)
                    throw new InvalidDataException($"Catalog file {path}: ticket type {type.Id}: {string.Join("; ", problems)}.");
            }
        }
        return file;
    }
}
