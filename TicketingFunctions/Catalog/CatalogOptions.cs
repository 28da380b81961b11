namespace TicketingFunctions.Catalog;

/// <summary>Settings under <c>Catalog__*</c>.</summary>
public sealed class CatalogOptions
{
    public const string SectionName = "Catalog";

    /// <summary>A catalog file (the format of catalog.sample.json) upserted at start-up.</summary>
    public string? SeedFile { get; set; }

    /// <summary>How long a tenant's catalog stays cached in memory.</summary>
    public int CacheSeconds { get; set; } = 60;
}
