using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Services;

/// <summary>
/// Tenant catalogs, cached in memory for <see cref="CatalogOptions.CacheSeconds"/> so that requests
/// never read the catalog from the store. Concurrent misses for one tenant share a single read.
/// </summary>
public sealed class CatalogProvider(ITicketStore store, IOptions<CatalogOptions> options, TimeProvider time)
{
    // Bounds the cache even when many distinct tenants (or unknown tenant ids) are asked for.
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime = TimeSpan.FromSeconds(Math.Max(0, options.Value.CacheSeconds));

    private sealed record Entry(Lazy<Task<CatalogIndex?>> Loader, DateTimeOffset ExpiresAt)
    {
        public Task<CatalogIndex?> Load => Loader.Value;
        public bool IsUsable(DateTimeOffset now) =>
            ExpiresAt > now && !(Loader.IsValueCreated && (Loader.Value.IsFaulted || Loader.Value.IsCanceled));
    }

    public Task<CatalogIndex?> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(tenantId, out var entry) && entry.IsUsable(now))
            return entry.Load;

        if (_entries.Count >= MaxEntries) _entries.Clear();
        var fresh = new Entry(new Lazy<Task<CatalogIndex?>>(() => LoadAsync(tenantId)), now + _lifetime);
        entry = _entries.AddOrUpdate(tenantId, fresh, (_, existing) => existing.IsUsable(now) ? existing : fresh);
        return entry.Load.WaitAsync(cancellationToken);
    }

    /// <summary>Drops a tenant's cached catalog, e.g. after seeding it.</summary>
    public void Invalidate(string tenantId) => _entries.TryRemove(tenantId, out _);

    private async Task<CatalogIndex?> LoadAsync(string tenantId)
    {
        // Not tied to one request's cancellation: other requests may be waiting on the same load.
        var catalog = await store.GetCatalogAsync(tenantId, CancellationToken.None).ConfigureAwait(false);
        return catalog is null ? null : new CatalogIndex(catalog);
    }
}
