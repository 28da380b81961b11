using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Storage;

/// <summary>
/// The event feeds on Cosmos DB, without TransactionalBatch or the change feed. Every ticket write marks its document
/// <c>events.pending</c> in the same request (<see cref="StoreJson"/>), so an acknowledged write's events are in the store
/// from the moment it is acknowledged: they are derived from the document (its history entry for its version). A
/// publisher then hands them to the tenant's feed in the events container, each at the next position of the tenant's
/// counter, and clears the mark, conditionally on the <c>_etag</c> it read. It runs right after each write, in this
/// process; <see cref="PublishPendingAsync"/> (the timer) finds documents still marked, after a crash, and does the same.
/// A write over a revision whose events are not handed over yet carries them on in its <c>events.backlog</c>.
/// </summary>
public sealed partial class CosmosTicketStore
{
    /// <summary>
    /// How long a hole in the positions may stay before a reader passes it: a position is taken, then its event is
    /// created within one request budget, unless the publisher died or the event was already in (409), and then the
    /// position stays empty for good.
    /// </summary>
    private TimeSpan GapSettle => 3 * _budget;

    /// <summary>
    /// The publisher's requests run at low priority: where the account has priority-based execution, throttling sheds
    /// them before the API's own requests (a hand-over can wait; the events are safe in the ticket document).
    /// </summary>
    private static readonly ItemRequestOptions PublisherRead = new() { PriorityLevel = PriorityLevel.Low };
    private static readonly ItemRequestOptions PublisherWrite = new() { PriorityLevel = PriorityLevel.Low, EnableContentResponseOnWrite = false };
    private static readonly PatchItemRequestOptions PublisherCounter = new() { PriorityLevel = PriorityLevel.Low };

    private static PatchItemRequestOptions PublisherPatch(string ifMatch) =>
        new() { PriorityLevel = PriorityLevel.Low, IfMatchEtag = ifMatch, EnableContentResponseOnWrite = false };

    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;
    private readonly Channel<(string TenantId, string TicketId)> _toPublish =
        Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task _publisher;

    /// <summary>How many tickets are handed over at once: each hand-over is a few sequential requests, so one at a time would fall behind the writes.</summary>
    private const int PublishConcurrency = 16;

    /// <summary>Hand-overs queued and not finished yet, and who waits for that to reach zero.</summary>
    private int _unpublished;
    private readonly List<TaskCompletionSource> _drainWaiters = [];

    private void PublishSoon(string tenantId, string ticketId)
    {
        Interlocked.Increment(ref _unpublished);
        _toPublish.Writer.TryWrite((tenantId, ticketId));
    }

    /// <summary>Completes when every hand-over queued before it has run: a deterministic point to read the feed at (tests).</summary>
    public Task DrainPublisherAsync()
    {
        lock (_drainWaiters)
        {
            if (Volatile.Read(ref _unpublished) == 0) return Task.CompletedTask;
            var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _drainWaiters.Add(drained);
            return drained.Task;
        }
    }

    private Task PublishLoopAsync() => Task.WhenAll(Enumerable.Range(0, PublishConcurrency).Select(_ => PublishWorkerAsync()));

    private async Task PublishWorkerAsync()
    {
        await foreach (var (tenantId, ticketId) in _toPublish.Reader.ReadAllAsync())
        {
            try
            {
                // Concurrent hand-overs of one ticket are safe: positions follow versions whoever publishes (AppendToFeedAsync).
                await PublishTicketAsync(tenantId, ticketId, CancellationToken.None);
            }
            catch (Exception e)
            {
                // Still marked pending in the store: the next catch-up hands them over.
                _logger.LogWarning("Could not publish the events of a ticket now ({ExceptionType}); the catch-up will.", e.GetType().Name);
            }
            finally
            {
                if (Interlocked.Decrement(ref _unpublished) == 0)
                    lock (_drainWaiters)
                    {
                        if (Volatile.Read(ref _unpublished) == 0)
                        {
                            foreach (var waiter in _drainWaiters) waiter.SetResult();
                            _drainWaiters.Clear();
                        }
                    }
            }
        }
    }

    /// <summary>Hands over the ticket's pending events, in version order, then clears its mark if nobody wrote it meanwhile. Returns how many entered the feed.</summary>
    private Task<int> PublishTicketAsync(string tenantId, string ticketId, CancellationToken cancellationToken) =>
        RunAsync("publish ticket events", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            var partitionKey = new PartitionKey(tenantId);
            Ticket ticket;
            JsonElement document;
            try
            {
                document = (await containers.Tickets.ReadItemAsync<JsonElement>(ticketId, partitionKey, PublisherRead, cancellationToken)).Resource;
                ticket = ToTicket(document);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return 0;
            }
            if (ticket.Revision is not { } revision || TicketEventState.Of(document) is not { Pending: true } state) return 0;
            var pending = new List<EventDocument>(state.Backlog ?? []);
            if (state.PublishedVersion < ticket.Version) pending.AddRange(EventDocuments(document));
            var published = await AppendToFeedAsync(containers.Events, tenantId, pending, cancellationToken);
            try
            {
                await containers.Tickets.PatchItemAsync<JsonElement>(ticketId, partitionKey,
                    [PatchOperation.Set("/" + TicketEventState.PropertyName, new TicketEventState(false, ticket.Version, null))],
                    PublisherPatch(revision.StoreEtag), cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                // Written meanwhile: the new revision carries these on (they are in the feed; handing them over again is a 409).
            }
            return published;
        }, cancellationToken);

    /// <summary>The events of the revision <paramref name="document"/> is, as feed documents (their positions still to take).</summary>
    private EventDocument[] EventDocuments(JsonElement document)
    {
        var ticket = document.Deserialize<Ticket>(CosmosJsonSerializer.Options)!;
        var snapshot = JsonSerializer.SerializeToElement(ticket, TicketJsonContext.Default.Ticket);
        var events = TicketEvents.Of(ticket, created: ticket.History.Any(h => h.Version == ticket.Version && h.Action == TicketHistory.Created)
                                                      || ticket.History.Count == 0 && ticket.Version == 1);
        return [.. events.Select(e => Document(e, snapshot))];
    }

    private EventDocument Document(TicketEvent e, JsonElement snapshot) => new(e.Id, e.TenantId, 0, null, Ttl, e, snapshot);

    /// <summary>An event document's <c>ttl</c>: the retention, in seconds.</summary>
    private int Ttl => (int)Math.Min(int.MaxValue, _retention.TotalSeconds);

    /// <summary>
    /// The <c>events</c> member of <paramref name="read"/>'s document, for a write that makes no new version (a comment's
    /// values, a finished move's cleared mark): its events are still the ones to hand over. Null (a create's state) for a
    /// document written before events.
    /// </summary>
    private static JsonElement? EventStateAsRead(StoredRevision read) =>
        read.Document is { } document && document.TryGetProperty(TicketEventState.PropertyName, out var state) ? state.Clone() : null;

    /// <summary>
    /// The <c>events</c> member a write over <paramref name="read"/> stores: pending, with every event of it not handed
    /// over yet carried on (the read revision's own, when they are not in the feed yet, and its backlog).
    /// </summary>
    private JsonElement NextEventState(StoredRevision read)
    {
        var state = TicketEventState.Of(read.Document);
        if (state is null) return TicketEventState.CreatedMember;
        var backlog = new List<EventDocument>(state.Pending ? state.Backlog ?? [] : []);
        if (state.Pending && read.Document is { } document && state.PublishedVersion < document.GetProperty("version").GetInt32())
            backlog.AddRange(EventDocuments(document));
        return JsonSerializer.SerializeToElement(new TicketEventState(true, state.PublishedVersion, backlog.Count > 0 ? backlog : null),
            StoreJsonContext.Default.TicketEventState);
    }

    /// <summary>
    /// The <c>events</c> member of a comment's write over <paramref name="read"/> (no new version): pending, with what
    /// was still to hand over (the backlog and, when not in the feed yet, the read revision's own events, now counted as
    /// carried: <c>publishedVersion</c> is the version) followed by the comment's event, told with
    /// <paramref name="ticket"/>, the ticket after the comment.
    /// </summary>
    private JsonElement CommentEventState(StoredRevision read, TicketEvent commented, Ticket ticket)
    {
        var version = ticket.Version;
        var state = TicketEventState.Of(read.Document);
        var backlog = new List<EventDocument>(state is { Pending: true } ? state.Backlog ?? [] : []);
        if (state is { Pending: true } && read.Document is { } document && state.PublishedVersion < version)
            backlog.AddRange(EventDocuments(document));
        backlog.Add(Document(commented, JsonSerializer.SerializeToElement(ticket with { History = [], Revision = null }, TicketJsonContext.Default.Ticket)));
        return JsonSerializer.SerializeToElement(new TicketEventState(true, version, backlog), StoreJsonContext.Default.TicketEventState);
    }

    /// <summary>
    /// Creates the events in the feed, in order, each at a position taken from the tenant's counter. Positions are taken
    /// for the rest of the list at once; when an event turns out to be in the feed already (409: another publisher was
    /// first) the rest take new positions, so that an event's position is always taken after the previous event of the
    /// ticket is in the feed. Per ticket, positions therefore follow versions whoever publishes. Positions a 409 leaves
    /// unused are holes that readers pass (<see cref="GapSettle"/>).
    /// </summary>
    private async Task<int> AppendToFeedAsync(Container events, string tenantId, IReadOnlyList<EventDocument> pending, CancellationToken cancellationToken)
    {
        var created = 0;
        long next = 0, end = 0;
        var partitionKey = new PartitionKey(tenantId);
        for (var i = 0; i < pending.Count; i++)
        {
            if (next >= end)
            {
                var remaining = pending.Count - i;
                end = (await IncrementCounterAsync(tenantId, [PatchOperation.Increment("/events", remaining)], cancellationToken, PublisherCounter)).Events;
                next = end - remaining;
            }
            var position = ++next;
            var document = pending[i] with
            {
                Position = position,
                PublishedAt = TicketFactory.Timestamp(_time.GetUtcNow()),
                Event = pending[i].Event! with { Position = position },
            };
            try
            {
                await events.CreateItemAsync(document, partitionKey, PublisherWrite, cancellationToken);
                created++;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                // In the feed already, at an earlier position: the rest take positions after it, and the positions
                // taken for them here are marked unused, so that no reader waits for them.
                for (var unused = next; unused <= end; unused++)
                    await events.UpsertItemAsync(EventDocument.Unused(tenantId, unused, TicketFactory.Timestamp(_time.GetUtcNow()), Ttl), partitionKey,
                        PublisherWrite, cancellationToken);
                end = next;
            }
        }
        return created;
    }

    /// <summary>
    /// One single-partition query from the cursor on, in position order (TOP the limit: the cost doesn't grow with the
    /// position). A hole in the positions younger than <see cref="GapSettle"/> ends the page before it: its event may
    /// still be on its way, and a cursor past it would skip it.
    /// </summary>
    public Task<EventPage> ReadEventsAsync(string tenantId, long after, int limit, CancellationToken cancellationToken) =>
        RunAsync("read the event feed", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            var query = new QueryDefinition(string.Create(CultureInfo.InvariantCulture,
                    $"SELECT TOP {limit} * FROM c WHERE c.tenant_id = @tenantId AND c.position > @after ORDER BY c.position"))
                .WithParameter("@tenantId", tenantId)
                .WithParameter("@after", after);
            using var results = containers.Events.GetItemQueryIterator<JsonElement>(query, requestOptions: new QueryRequestOptions
            {
                PartitionKey = new PartitionKey(tenantId),
                MaxItemCount = limit,
                // One partition: the service runs the whole ORDER BY, so the SDK needs no query plan request first.
                EnableOptimisticDirectExecution = true,
            });
            var documents = new List<EventDocument>(limit);
            while (results.HasMoreResults && documents.Count < limit)
                foreach (var row in await results.ReadNextAsync(cancellationToken))
                    documents.Add(row.Deserialize(StoreJsonContext.Default.EventDocument)!);

            var settled = TicketFactory.Timestamp(_time.GetUtcNow() - GapSettle);
            var page = new List<StoredTicketEvent>(documents.Count);
            var last = after;
            var stoppedAtHole = false;
            foreach (var document in documents)
            {
                // A hole before a fresh document may still fill: stop before it (a document without a time counts as fresh).
                if (document.Position != last + 1 && (document.PublishedAt is null || string.CompareOrdinal(document.PublishedAt, settled) > 0))
                {
                    stoppedAtHole = true;
                    break;
                }
                last = document.Position;
                if (document.Event is null) continue;   // a position marked unused
                page.Add(new StoredTicketEvent(document.Event with { Position = document.Position }, document.Ticket is { } ticket
                    ? JsonSerializer.SerializeToUtf8Bytes(ticket, TicketJsonContext.Default.JsonElement)
                    : ReadOnlyMemory<byte>.Empty));   // an event of no ticket (webhook.disabled)
            }
            return new EventPage(page, last, stoppedAtHole || documents.Count >= limit);
        }, cancellationToken);

    /// <summary>
    /// Creates the event's document (id: the event's) at a position from the tenant's counter; a 409 means it is in the
    /// feed already, and the position taken is marked unused (<see cref="AppendToFeedAsync"/>).
    /// </summary>
    public Task<bool> AppendEventAsync(TicketEvent e, CancellationToken cancellationToken) =>
        RunAsync("append an event", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            return await AppendToFeedAsync(containers.Events, e.TenantId, [new EventDocument(e.Id, e.TenantId, 0, null, Ttl, e, null)], cancellationToken) == 1;
        }, cancellationToken);

    /// <summary>
    /// Adds the breaches to the ticket's backlog, conditionally on the revision read (so they are told before any later
    /// version's events), then hands them over. Breaches already in the feed or the backlog are left out.
    /// </summary>
    public Task<int> RecordEventsAsync(Ticket ticket, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken) =>
        RunAsync("record ticket events", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            var partitionKey = new PartitionKey(ticket.TenantId);
            JsonElement document;
            try
            {
                document = (await containers.Tickets.ReadItemAsync<JsonElement>(ticket.Id, partitionKey, PublisherRead, cancellationToken)).Resource;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return 0;
            }
            var current = ToTicket(document);
            if (current.Version != ticket.Version || current.Revision is not { } revision) return 0;
            var state = TicketEventState.Of(document) ?? new TicketEventState(false, current.Version, null);
            var snapshot = JsonSerializer.SerializeToElement(current with { History = [] }, TicketJsonContext.Default.Ticket);
            var fresh = new List<EventDocument>();
            foreach (var e in events.DistinctBy(e => e.Id))
            {
                if (state.Backlog?.Any(b => b.Id == e.Id) == true) continue;
                try
                {
                    await containers.Events.ReadItemAsync<JsonElement>(e.Id, partitionKey, PublisherRead, cancellationToken);
                    continue;   // in the feed already
                }
                catch (CosmosException missing) when (missing.StatusCode == HttpStatusCode.NotFound)
                {
                }
                fresh.Add(Document(e, snapshot));
            }
            if (fresh.Count == 0) return 0;
            try
            {
                await containers.Tickets.PatchItemAsync<JsonElement>(ticket.Id, partitionKey,
                    [PatchOperation.Set("/" + TicketEventState.PropertyName, state with { Pending = true, Backlog = [.. state.Backlog ?? [], .. fresh] })],
                    PublisherPatch(revision.StoreEtag), cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                return 0;   // written meanwhile: the next run finds the breach on the new revision
            }
            await PublishTicketAsync(ticket.TenantId, ticket.Id, cancellationToken);
            return fresh.Count;
        }, cancellationToken);

    /// <summary>
    /// Finds, tenant by tenant, the documents still marked pending (a single-partition query on an indexed field) and
    /// hands their events over, one ticket at a time.
    /// </summary>
    public async Task<int> PublishPendingAsync(CancellationToken cancellationToken)
    {
        var published = 0;
        foreach (var tenantId in await ListTenantsAsync(cancellationToken))
        {
            var found = await RunAsync("find unpublished ticket events", async cancellationToken =>
            {
                var containers = await _clients.GetContainersAsync(cancellationToken);
                var query = new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.tenant_id = @tenantId AND c.events.pending = true")
                    .WithParameter("@tenantId", tenantId);
                var ids = new List<string>();
                using var results = containers.Tickets.GetItemQueryIterator<string>(query, requestOptions: new QueryRequestOptions
                {
                    PartitionKey = new PartitionKey(tenantId),
                    PriorityLevel = PriorityLevel.Low,
                });
                while (results.HasMoreResults) ids.AddRange(await results.ReadNextAsync(cancellationToken));
                return ids;
            }, cancellationToken);
            foreach (var id in found) published += await PublishTicketAsync(tenantId, id, cancellationToken);
        }
        return published;
    }

    /// <summary>Cosmos DB removes expired events itself: each carries its <c>ttl</c> (the retention) and the container has TTL on.</summary>
    public Task<int> PruneEventsAsync(string before, CancellationToken cancellationToken) => Task.FromResult(0);

    /// <summary>The tenants with a catalog: one point read of the registry document (<see cref="TenantRegistryDocument"/>).</summary>
    public Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken cancellationToken) =>
        RunAsync("list tenants", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            try
            {
                var registry = (await containers.Tenants.ReadItemAsync<TenantRegistryDocument>(TenantRegistryDocument.DocumentId,
                    new PartitionKey(TenantRegistryDocument.PartitionKeyValue), PublisherRead, cancellationToken)).Resource;
                return (IReadOnlyList<string>)[.. registry.Tenants.Keys.Order(StringComparer.Ordinal)];
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return [];
            }
        }, cancellationToken);

    /// <summary>Adds the tenant to the registry (a patch; the registry is made on first use, as the counter is).</summary>
    private async Task RegisterTenantAsync(Container tenants, string tenantId, CancellationToken cancellationToken)
    {
        var partitionKey = new PartitionKey(TenantRegistryDocument.PartitionKeyValue);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await tenants.PatchItemAsync<JsonElement>(TenantRegistryDocument.DocumentId, partitionKey,
                    [PatchOperation.Set("/tenants/" + EscapePointerSegment(tenantId), true)],
                    new PatchItemRequestOptions { EnableContentResponseOnWrite = false }, cancellationToken);
                return;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound && attempt < CounterAttempts)
            {
                try
                {
                    await tenants.CreateItemAsync(TenantRegistryDocument.Empty(), partitionKey, NoContentOnWrite, cancellationToken);
                }
                catch (CosmosException conflict) when (conflict.StatusCode == HttpStatusCode.Conflict)
                {
                }
            }
        }
    }
}
