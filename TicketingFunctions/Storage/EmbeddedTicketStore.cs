using System.Collections.Concurrent;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Storage;

/// <summary>
/// The in-process store used when no Cosmos DB endpoint is configured. It keeps the Cosmos store's
/// semantics: tenant partitions, atomic counters and compare-and-swap on the ticket etag.
/// Nothing survives a restart.
/// </summary>
public sealed class EmbeddedTicketStore : ITicketStore
{
    private readonly ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);

    private sealed class Partition
    {
        public readonly object Gate = new();
        public TenantCatalog? Catalog;
        public long Serial;
        public readonly Dictionary<string, long> Numbers = new(StringComparer.Ordinal);
        public readonly Dictionary<string, Ticket> TicketsByObjectId = new(StringComparer.Ordinal);
        public readonly HashSet<string> TicketIds = new(StringComparer.Ordinal);
        public readonly Dictionary<string, IdempotencyRecord> Idempotency = new(StringComparer.Ordinal);
    }

    private Partition For(string tenantId) => _partitions.GetOrAdd(tenantId, static _ => new Partition());

    public Task<TenantCatalog?> GetCatalogAsync(string tenantId, CancellationToken cancellationToken)
    {
        return Task.FromResult(_partitions.TryGetValue(tenantId, out var p) ? Volatile.Read(ref p.Catalog) : null);
    }

    public Task UpsertCatalogAsync(TenantCatalog catalog, CancellationToken cancellationToken)
    {
        Volatile.Write(ref For(catalog.TenantId).Catalog, catalog);
        return Task.CompletedTask;
    }

    public Task<DisplayNumber> NextDisplayNumberAsync(string tenantId, string prefix, CancellationToken cancellationToken)
    {
        var p = For(tenantId);
        lock (p.Gate)
        {
            p.Numbers.TryGetValue(prefix, out var number);
            p.Numbers[prefix] = ++number;
            return Task.FromResult(new DisplayNumber(++p.Serial, number));
        }
    }

    public Task CreateTicketAsync(Ticket ticket, CancellationToken cancellationToken)
    {
        var p = For(ticket.TenantId);
        lock (p.Gate)
        {
            if (p.TicketIds.Contains(ticket.Id) || p.TicketsByObjectId.ContainsKey(ticket.ObjectId))
                throw new TicketConflictException($"Ticket {ticket.ObjectId} already exists.");
            p.TicketIds.Add(ticket.Id);
            p.TicketsByObjectId.Add(ticket.ObjectId, ticket);
        }
        return Task.CompletedTask;
    }

    public Task<Ticket?> GetTicketAsync(string tenantId, string objectId, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(tenantId, out var p)) return Task.FromResult<Ticket?>(null);
        lock (p.Gate)
        {
            // A copy, so that callers editing the ticket they read can't change what is stored.
            var stored = p.TicketsByObjectId.GetValueOrDefault(objectId);
            return Task.FromResult(stored is null ? null : stored with { Data = (System.Text.Json.Nodes.JsonObject)stored.Data.DeepClone() });
        }
    }

    public Task ReplaceTicketAsync(Ticket ticket, string expectedEtag, CancellationToken cancellationToken)
    {
        var p = For(ticket.TenantId);
        lock (p.Gate)
        {
            if (!p.TicketsByObjectId.TryGetValue(ticket.ObjectId, out var current) || current.Id != ticket.Id)
                throw new EtagMismatchException($"Ticket {ticket.ObjectId} does not exist.");
            if (!string.Equals(current.Etag, expectedEtag, StringComparison.Ordinal))
                throw new EtagMismatchException($"Ticket {ticket.ObjectId} was changed by someone else.");
            p.TicketsByObjectId[ticket.ObjectId] = ticket;
        }
        return Task.CompletedTask;
    }

    public Task<IdempotencyRecord?> ClaimIdempotencyKeyAsync(IdempotencyRecord claim, Func<IdempotencyRecord, bool> canTakeOver, CancellationToken cancellationToken)
    {
        var p = For(claim.TenantId);
        lock (p.Gate)
        {
            if (p.Idempotency.TryGetValue(claim.Id, out var existing) && !canTakeOver(existing))
                return Task.FromResult<IdempotencyRecord?>(existing);
            p.Idempotency[claim.Id] = claim;
            return Task.FromResult<IdempotencyRecord?>(null);
        }
    }

    public Task SaveIdempotencyRecordAsync(IdempotencyRecord record, CancellationToken cancellationToken)
    {
        var p = For(record.TenantId);
        lock (p.Gate) p.Idempotency[record.Id] = record;
        return Task.CompletedTask;
    }

    public Task ReleaseIdempotencyKeyAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        if (_partitions.TryGetValue(tenantId, out var p))
            lock (p.Gate) p.Idempotency.Remove(id);
        return Task.CompletedTask;
    }
}
