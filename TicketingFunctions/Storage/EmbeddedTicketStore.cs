using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TicketingFunctions.Api;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Storage;

/// <summary>
/// The in-process store used when no Cosmos DB endpoint is configured. It keeps the Cosmos store's
/// semantics: tenant partitions, atomic counters and compare-and-swap on the ticket etag.
/// Nothing survives a restart. Tickets are kept as UTF-8 JSON documents, as a document store keeps them:
/// a read is always a fresh copy, and a stored ticket is one array the garbage collector need not trace
/// (an object graph per ticket made collections cost more as the store grew).
/// </summary>
public sealed class EmbeddedTicketStore : ITicketStore
{
    /// <summary>How a ticket document is written and read: the only place that names the serializer.</summary>
    private static JsonTypeInfo<Ticket> Document => ApiJsonContext.Web.Ticket;

    private readonly ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);

    private sealed class Partition
    {
        public readonly object Gate = new();
        public TenantCatalog? Catalog;
        public long Serial;
        public readonly Dictionary<string, long> Numbers = new(StringComparer.Ordinal);
        public readonly Dictionary<string, StoredTicket> TicketsByObjectId = new(StringComparer.Ordinal);
        public readonly HashSet<string> TicketIds = new(StringComparer.Ordinal);
    }

    /// <summary>A ticket document, with the two values writes compare without parsing it.</summary>
    private sealed record StoredTicket(string Id, string Etag, byte[] Json)
    {
        public static StoredTicket From(Ticket ticket) => new(ticket.Id, ticket.Etag, JsonSerializer.SerializeToUtf8Bytes(ticket, Document));
        public Ticket Read() => JsonSerializer.Deserialize(Json, Document)!;
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
        var stored = StoredTicket.From(ticket);   // outside the lock
        lock (p.Gate)
        {
            if (p.TicketIds.Contains(ticket.Id) || p.TicketsByObjectId.ContainsKey(ticket.ObjectId))
                throw new TicketConflictException($"Ticket {ticket.ObjectId} already exists.");
            p.TicketIds.Add(ticket.Id);
            p.TicketsByObjectId.Add(ticket.ObjectId, stored);
        }
        return Task.CompletedTask;
    }

    public Task<Ticket?> GetTicketAsync(string tenantId, string objectId, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(tenantId, out var p)) return Task.FromResult<Ticket?>(null);
        StoredTicket? stored;
        lock (p.Gate) stored = p.TicketsByObjectId.GetValueOrDefault(objectId);
        // Parsed per read: callers editing the ticket they read can't change what is stored.
        return Task.FromResult(stored?.Read());
    }

    public Task ReplaceTicketAsync(Ticket ticket, string expectedEtag, CancellationToken cancellationToken)
    {
        var p = For(ticket.TenantId);
        var stored = StoredTicket.From(ticket);
        lock (p.Gate)
        {
            if (!p.TicketsByObjectId.TryGetValue(ticket.ObjectId, out var current) || current.Id != ticket.Id)
                throw new EtagMismatchException($"Ticket {ticket.ObjectId} does not exist.");
            if (!string.Equals(current.Etag, expectedEtag, StringComparison.Ordinal))
                throw new EtagMismatchException($"Ticket {ticket.ObjectId} was changed by someone else.");
            p.TicketsByObjectId[ticket.ObjectId] = stored;
        }
        return Task.CompletedTask;
    }
}
