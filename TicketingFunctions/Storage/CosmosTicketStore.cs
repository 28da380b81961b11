using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Storage;

/// <summary>
/// The store on Azure Cosmos DB (NoSQL API). Everything of a tenant is in its logical partition
/// (<c>/tenant_id</c>) of one of two containers:
/// <list type="bullet">
/// <item>tickets: one document per ticket, id = the ticket's UUID, unique key on <c>/object_id</c>;</item>
/// <item>tenants: the tenant's catalog document (id "catalog") and counter document (id "counter").</item>
/// </list>
/// A ticket number costs one patch of the counter (two Increment operations, applied atomically by the
/// service), a ticket one create. Writes of existing tickets are conditional on the Cosmos <c>_etag</c>.
/// </summary>
public sealed partial class CosmosTicketStore : ITicketStore, ITicketEventStore
{
    private static readonly TimeSpan ThrottledRetryAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan UnavailableRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>How often a missing counter is created and the patch tried again before giving up.</summary>
    private const int CounterAttempts = 3;

    private static readonly ItemRequestOptions NoContentOnWrite = new() { EnableContentResponseOnWrite = false };

    private readonly CosmosClientProvider _clients;
    private readonly ILogger _logger;
    private readonly TimeSpan _budget;

    public CosmosTicketStore(CosmosClientProvider clients, ILogger<CosmosTicketStore>? logger = null, TimeProvider? time = null,
        Microsoft.Extensions.Options.IOptions<Tickets.Events.EventOptions>? eventOptions = null)
    {
        _clients = clients;
        _budget = TimeSpan.FromSeconds(Math.Max(1, clients.Options.RequestBudgetSeconds));
        _logger = logger ?? NullLogger<CosmosTicketStore>.Instance;
        _time = time ?? TimeProvider.System;
        _retention = (eventOptions?.Value ?? new Tickets.Events.EventOptions()).Retention;
        _publisher = Task.Run(PublishLoopAsync);
    }

    /// <summary>Reads the tickets container's properties: one cheap call that needs the account, the database and the container.</summary>
    public async Task CheckReadyAsync(CancellationToken cancellationToken)
    {
        var containers = await _clients.GetContainersAsync(cancellationToken);
        await containers.Tickets.ReadContainerAsync(cancellationToken: cancellationToken);
    }

    public Task<TenantCatalog?> GetCatalogAsync(string tenantId, CancellationToken cancellationToken) =>
        RunAsync("read the catalog", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            try
            {
                var response = await containers.Tenants.ReadItemAsync<CatalogDocument>(
                    CatalogDocument.DocumentId, new PartitionKey(tenantId), cancellationToken: cancellationToken);
                return response.Resource.Catalog;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, cancellationToken);

    public Task UpsertCatalogAsync(TenantCatalog catalog, CancellationToken cancellationToken) =>
        RunAsync("write the catalog", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            await containers.Tenants.UpsertItemAsync(CatalogDocument.For(catalog), new PartitionKey(catalog.TenantId),
                NoContentOnWrite, cancellationToken);
            await RegisterTenantAsync(containers.Tenants, catalog.TenantId, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<DisplayNumber> NextDisplayNumberAsync(string tenantId, string prefix, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return RunAsync("take a ticket number", async cancellationToken =>
        {
            var counter = await IncrementCounterAsync(tenantId,
            [
                PatchOperation.Increment("/serial", 1),
                PatchOperation.Increment("/numbers/" + EscapePointerSegment(prefix), 1),
            ], cancellationToken);
            if (counter.Numbers is null || !counter.Numbers.TryGetValue(prefix, out var number))
                throw new InvalidOperationException($"The counter of tenant {tenantId} came back without the number for {prefix}.");
            return new DisplayNumber(counter.Serial, number);
        }, cancellationToken);
    }

    public Task<long> NextDeletionSeqAsync(string tenantId, CancellationToken cancellationToken) =>
        RunAsync("take a deletion sequence number", async cancellationToken =>
            (await IncrementCounterAsync(tenantId, [PatchOperation.Increment("/deletions", 1)], cancellationToken)).Deletions,
            cancellationToken);

    /// <summary>One patch of the tenant's counter document, which Cosmos DB applies atomically; the counter is made on first use.</summary>
    private async Task<CounterDocument> IncrementCounterAsync(string tenantId, PatchOperation[] increments, CancellationToken cancellationToken,
        PatchItemRequestOptions? options = null)
    {
        var containers = await _clients.GetContainersAsync(cancellationToken);
        var partitionKey = new PartitionKey(tenantId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await containers.Tenants.PatchItemAsync<CounterDocument>(
                    CounterDocument.DocumentId, partitionKey, increments, options, cancellationToken);
                return response.Resource;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound && attempt < CounterAttempts)
            {
                // First use by the tenant: make its counter (with the parent of the numbers, which
                // Increment needs), then patch again. A 409 means a concurrent first use made it.
                try
                {
                    await containers.Tenants.CreateItemAsync(CounterDocument.Empty(tenantId), partitionKey,
                        NoContentOnWrite, cancellationToken);
                    _logger.LogInformation("Created the ticket counter of tenant {TenantId}.", tenantId);
                }
                catch (CosmosException conflict) when (conflict.StatusCode == HttpStatusCode.Conflict)
                {
                }
            }
        }
    }

    public Task CreateTicketAsync(Ticket ticket, CancellationToken cancellationToken) =>
        RunAsync("create the ticket", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            try
            {
                await containers.Tickets.CreateItemAsync(ticket, new PartitionKey(ticket.TenantId), NoContentOnWrite, cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                // The id, or the object_id through the container's unique key, is taken.
                throw new TicketConflictException($"Ticket {ticket.ObjectId} already exists.", e);
            }
            // Written with events.pending (StoreJson): recoverable from here on, whatever happens to this process.
            PublishSoon(ticket.TenantId, ticket.Id);
            return true;
        }, cancellationToken);

    /// <summary>Two containers, so two writes: the ticket, then the record (its failure logged: the ticket stands).</summary>
    public async Task CreateTicketWithKeyAsync(Ticket ticket, IdempotencyRecord completedKey, CancellationToken cancellationToken)
    {
        await CreateTicketAsync(ticket, cancellationToken);
        try { await SaveIdempotencyRecordAsync(completedKey, CancellationToken.None); }
        catch (Exception ex) { _logger.LogWarning("Could not record the response for an idempotency key: {ExceptionType}", ex.GetType().Name); }
    }

    public async Task<Ticket?> GetTicketAsync(string tenantId, string objectId, CancellationToken cancellationToken)
    {
        var ticket = await ReadTicketAsync(tenantId, objectId, cancellationToken);
        if (ticket?.PendingSuccessor is null) return ticket;
        // A move stopped after its first step: finish it before anyone is sent to the successor.
        await FinishMoveAsync(ticket, cancellationToken);
        return await ReadTicketAsync(tenantId, objectId, cancellationToken) is { } finished ? finished with { PendingSuccessor = null } : null;
    }

    /// <summary>
    /// Three steps, each idempotent, in the order that never shows two live tickets: the tombstone (hidden from listings
    /// and answering 308 from then on) carrying its successor, then the successor, then the tombstone without it.
    /// </summary>
    public async Task MoveTicketAsync(Ticket tombstone, string expectedEtag, Ticket successor, IdempotencyRecord? completedKey, CancellationToken cancellationToken)
    {
        if (tombstone.MovedTo != successor.ObjectId || tombstone.TenantId != successor.TenantId)
            throw new ArgumentException("The tombstone must name its successor, in its tenant.", nameof(tombstone));
        var marked = tombstone with { PendingSuccessor = successor with { Revision = null } };
        await ReplaceTicketAsync(marked, expectedEtag, cancellationToken);
        await FinishMoveAsync(marked with { Revision = null }, cancellationToken);
        if (completedKey is null) return;
        try { await SaveIdempotencyRecordAsync(completedKey, CancellationToken.None); }
        catch (Exception ex) { _logger.LogWarning("Could not record the response for an idempotency key: {ExceptionType}", ex.GetType().Name); }
    }

    /// <summary>Creates the tombstone's pending successor (already there is fine), then clears the mark (a lost race there is fine too).</summary>
    private Task FinishMoveAsync(Ticket marked, CancellationToken cancellationToken) =>
        RunAsync("finish moving the ticket", async cancellationToken =>
        {
            var successor = marked.PendingSuccessor!;
            var containers = await _clients.GetContainersAsync(cancellationToken);
            var partitionKey = new PartitionKey(marked.TenantId);
            try
            {
                await containers.Tickets.CreateItemAsync(successor, partitionKey, NoContentOnWrite, cancellationToken);
                _logger.LogInformation("Created ticket {ObjectId}, the successor of moved ticket {MovedObjectId}", successor.ObjectId, marked.ObjectId);
                PublishSoon(successor.TenantId, successor.Id);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                // Created by an earlier attempt (or a concurrent reader): the same document, by its id. A conflict on the
                // display id alone (another ticket has it; the counter makes that impossible) must not be taken for it.
                try
                {
                    await containers.Tickets.ReadItemAsync<JsonElement>(successor.Id, partitionKey, cancellationToken: cancellationToken);
                }
                catch (CosmosException missing) when (missing.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new TicketConflictException($"Ticket {successor.ObjectId} already exists.", e);
                }
            }
            ItemResponse<JsonElement> current;
            try
            {
                current = await containers.Tickets.ReadItemAsync<JsonElement>(marked.Id, partitionKey, cancellationToken: cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return true;
            }
            var stored = ToTicket(current.Resource);
            if (stored.PendingSuccessor?.Id != successor.Id) return true;
            try
            {
                await containers.Tickets.ReplaceItemAsync(stored with { PendingSuccessor = null, Revision = stored.Revision! with { EventsMember = EventStateAsRead(stored.Revision) } },
                    stored.Id, partitionKey,
                    new ItemRequestOptions { IfMatchEtag = current.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                // Another reader cleared it first.
            }
            catch (CosmosException e)
            {
                // The move is done (both tickets are as they must be); the mark is cleared by the next read.
                _logger.LogWarning("Could not clear the finished move of ticket {ObjectId}: {Status}", marked.ObjectId, (int)e.StatusCode);
            }
            return true;
        }, cancellationToken);

    private Task<Ticket?> ReadTicketAsync(string tenantId, string objectId, CancellationToken cancellationToken) =>
        RunAsync("read the ticket", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            // A single-partition query: the partition key scopes it, and the filter repeats the tenant so
            // the query can never match outside it whatever the request options say.
            var query = new QueryDefinition("SELECT * FROM c WHERE c.tenant_id = @tenantId AND c.object_id = @objectId")
                .WithParameter("@tenantId", tenantId)
                .WithParameter("@objectId", objectId);
            using var results = containers.Tickets.GetItemQueryIterator<JsonElement>(query, requestOptions: new QueryRequestOptions
            {
                PartitionKey = new PartitionKey(tenantId),
                MaxItemCount = 1,
            });
            while (results.HasMoreResults)
            {
                foreach (var document in await results.ReadNextAsync(cancellationToken))
                    return ToTicket(document);
            }
            return null;
        }, cancellationToken);

    /// <summary>
    /// One conditional replace on the revision read. The document written carries on the events the read one had not
    /// handed over yet (<see cref="NextEventState"/>). When only the publisher or a comment changed the document since it
    /// was read (its <c>_etag</c> moved, the API etag did not), the replace
    /// is tried again on the fresh read, carrying the comment's values over: the caller's If-Match still holds.
    /// </summary>
    public Task ReplaceTicketAsync(Ticket ticket, string expectedEtag, CancellationToken cancellationToken) =>
        RunAsync("replace the ticket", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            var partitionKey = new PartitionKey(ticket.TenantId);
            var read = ticket.Revision is { } revision && revision.TenantId == ticket.TenantId && revision.TicketId == ticket.Id ? revision : null;
            for (var attempt = 1; ; attempt++)
            {
                if (read is not null)
                {
                    // Read through this store: one conditional request.
                    if (!string.Equals(read.ApiEtag, expectedEtag, StringComparison.Ordinal))
                        throw new EtagMismatchException($"Ticket {ticket.ObjectId} was changed by someone else.");
                }
                else
                {
                    // Not read through this store (or read before the publisher marked it): read the current revision first.
                    Ticket current;
                    try
                    {
                        var response = await containers.Tickets.ReadItemAsync<JsonElement>(ticket.Id, partitionKey, cancellationToken: cancellationToken);
                        current = ToTicket(response.Resource);
                    }
                    catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
                    {
                        throw new EtagMismatchException($"Ticket {ticket.ObjectId} does not exist.", e);
                    }
                    if (!string.Equals(current.ObjectId, ticket.ObjectId, StringComparison.Ordinal))
                        throw new EtagMismatchException($"Ticket {ticket.ObjectId} does not exist.");
                    if (!string.Equals(current.Etag, expectedEtag, StringComparison.Ordinal))
                        throw new EtagMismatchException($"Ticket {ticket.ObjectId} was changed by someone else.");
                    // After a refused replace with the API etag unchanged, a comment (TicketConversation) or the publisher
                    // wrote the document: keep the comment's values, which an update never writes itself.
                    if (attempt > 1) ticket = TicketConversation.CarryOver(current, ticket);
                    read = current.Revision!;
                }

                try
                {
                    await containers.Tickets.ReplaceItemAsync(ticket with { Revision = read with { EventsMember = NextEventState(read) } }, ticket.Id, partitionKey,
                        new ItemRequestOptions { IfMatchEtag = read.StoreEtag, EnableContentResponseOnWrite = false }, cancellationToken);
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    if (attempt < ReplaceAttempts)
                    {
                        read = null;   // read again: if the API etag still matches, only the publisher was here
                        continue;
                    }
                    throw new EtagMismatchException($"Ticket {ticket.ObjectId} was changed by someone else.", e);
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new EtagMismatchException($"Ticket {ticket.ObjectId} does not exist.", e);
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
                {
                    throw new TicketConflictException($"Ticket {ticket.ObjectId} already exists.", e);
                }
                PublishSoon(ticket.TenantId, ticket.Id);
                return true;
            }
        }, cancellationToken);

    /// <summary>How often a replace is tried when the document's <c>_etag</c> moved under it (the publisher's mark).</summary>
    private const int ReplaceAttempts = ConversationAttempts;

    /// <summary>Cosmos DB's own continuation token is limited to this size (1 KB), so that the API's token stays small.</summary>
    public const int ContinuationTokenLimitInKb = 1;

    /// <summary>
    /// One request: a single-partition query (partition key set, SQL filtered on the tenant) that resumes from Cosmos
    /// DB's own continuation token, read once. Cosmos DB resumes an ORDER BY query from the last sort values it
    /// returned, so a page costs the same wherever it is. A page may be short (or empty) while more tickets follow.
    /// </summary>
    public Task<TicketPage> ListTicketsAsync(TicketListQuery query, CancellationToken cancellationToken) =>
        RunAsync("list tickets", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            using var results = containers.Tickets.GetItemQueryIterator<JsonElement>(CosmosTicketListQuery.Build(query), query.Position,
                new QueryRequestOptions
                {
                    PartitionKey = new PartitionKey(query.TenantId),
                    MaxItemCount = query.PageSize,
                    ResponseContinuationTokenLimitInKb = ContinuationTokenLimitInKb,
                    // One partition: the service runs the whole ORDER BY, so the SDK needs no query plan request first.
                    EnableOptimisticDirectExecution = true,
                });
            if (!results.HasMoreResults) return new TicketPage([], null);
            var page = await results.ReadNextAsync(cancellationToken);
            var tickets = new List<Ticket>(page.Count);
            foreach (var document in page) tickets.Add(query.IncludeData ? ToTicket(document) with { Revision = null } : TicketWithoutData.Read(document));
            return new TicketPage(tickets, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
        }, cancellationToken);

    /// <summary>One upsert of one archive document in the tenants container; no read.</summary>
    public Task AppendHistoryArchiveAsync(string tenantId, string ticketId, IReadOnlyList<TicketHistoryEntry> entries, CancellationToken cancellationToken) =>
        RunAsync("archive ticket history", async cancellationToken =>
        {
            if (entries.Count == 0) return true;
            var containers = await _clients.GetContainersAsync(cancellationToken);
            await containers.Tenants.UpsertItemAsync(HistoryArchiveDocument.For(tenantId, ticketId, entries), new PartitionKey(tenantId),
                NoContentOnWrite, cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>
    /// A single-partition query for the ticket's archive documents that overlap the range (each names its first and
    /// last version); entries are filtered, ordered and deduplicated here.
    /// </summary>
    public Task<IReadOnlyList<TicketHistoryEntry>> GetHistoryArchiveAsync(string tenantId, string ticketId, int afterVersion, int throughVersion, CancellationToken cancellationToken) =>
        RunAsync("read the ticket history archive", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            // No ORDER BY: a page's range spans a few archive documents, and sorting here needs no index path.
            var query = new QueryDefinition("SELECT * FROM c WHERE c.tenant_id = @tenantId AND c.kind = @kind AND c.ticket_id = @ticketId"
                    + " AND c.last_version > @after AND c.first_version <= @through")
                .WithParameter("@tenantId", tenantId)
                .WithParameter("@kind", HistoryArchiveDocument.KindName)
                .WithParameter("@ticketId", ticketId)
                .WithParameter("@after", afterVersion)
                .WithParameter("@through", throughVersion);
            using var results = containers.Tenants.GetItemQueryIterator<HistoryArchiveDocument>(query, requestOptions: new QueryRequestOptions
            {
                PartitionKey = new PartitionKey(tenantId),
            });
            var byVersion = new SortedDictionary<int, TicketHistoryEntry>();
            while (results.HasMoreResults)
            {
                foreach (var document in await results.ReadNextAsync(cancellationToken))
                foreach (var entry in document.Entries ?? [])
                    if (entry.Version > afterVersion && entry.Version <= throughVersion) byVersion[entry.Version] = entry;
            }
            return (IReadOnlyList<TicketHistoryEntry>)[.. byVersion.Values];
        }, cancellationToken);

    public Task<IdempotencyRecord?> ClaimIdempotencyKeyAsync(IdempotencyRecord claim, Func<IdempotencyRecord, bool> canTakeOver, CancellationToken cancellationToken) =>
        RunAsync("claim the idempotency key", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            var partitionKey = new PartitionKey(claim.TenantId);
            try
            {
                await containers.Tenants.CreateItemAsync(claim, partitionKey, NoContentOnWrite, cancellationToken);
                return null;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                // Someone holds the key (or held it: TTL deletion is lazy). Take it over only when allowed, and
                // only if it has not changed since we read it, so that two takers can't both win.
            }
            ItemResponse<IdempotencyRecord> existing;
            try
            {
                existing = await containers.Tenants.ReadItemAsync<IdempotencyRecord>(claim.Id, partitionKey, cancellationToken: cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                // Deleted in between (released, or expired): one more plain claim decides.
                try
                {
                    await containers.Tenants.CreateItemAsync(claim, partitionKey, NoContentOnWrite, cancellationToken);
                    return null;
                }
                catch (CosmosException again) when (again.StatusCode == HttpStatusCode.Conflict)
                {
                    return (await containers.Tenants.ReadItemAsync<IdempotencyRecord>(claim.Id, partitionKey, cancellationToken: cancellationToken)).Resource;
                }
            }
            if (!canTakeOver(existing.Resource)) return existing.Resource;
            try
            {
                await containers.Tenants.ReplaceItemAsync(claim, claim.Id, partitionKey,
                    new ItemRequestOptions { IfMatchEtag = existing.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
                return null;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                return (await containers.Tenants.ReadItemAsync<IdempotencyRecord>(claim.Id, partitionKey, cancellationToken: cancellationToken)).Resource;
            }
        }, cancellationToken);

    public Task SaveIdempotencyRecordAsync(IdempotencyRecord record, CancellationToken cancellationToken) =>
        RunAsync("save the idempotency record", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            await containers.Tenants.UpsertItemAsync(record, new PartitionKey(record.TenantId), NoContentOnWrite, cancellationToken);
            return true;
        }, cancellationToken);

    public Task ReleaseIdempotencyKeyAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        RunAsync("release the idempotency key", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            try
            {
                await containers.Tenants.DeleteItemAsync<IdempotencyRecord>(id, new PartitionKey(tenantId), NoContentOnWrite, cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
            }
            return true;
        }, cancellationToken);

    private static Ticket ToTicket(JsonElement document)
    {
        var ticket = document.Deserialize<Ticket>(CosmosJsonSerializer.Options)
                     ?? throw new InvalidOperationException("A ticket document was null.");
        var storeEtag = document.TryGetProperty("_etag", out var etag) && etag.ValueKind == JsonValueKind.String ? etag.GetString() : null;
        if (storeEtag is null) return ticket;
        return ticket with { Revision = new StoredRevision(ticket.TenantId, ticket.Id, ticket.Etag, storeEtag) { Document = document } };
    }

    /// <summary>A JSON Pointer segment (RFC 6901), as patch paths use: "~" and "/" are escaped.</summary>
    public static string EscapePointerSegment(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>
    /// Runs one store operation and maps what Cosmos DB says into the store's exceptions: throttling that
    /// outlasted the SDK's own retries (429), unavailability (503), timeouts (408, or the SDK giving up
    /// without the caller cancelling) and a lost replica set (410, 449 after the SDK's retries) become
    /// <see cref="StoreUnavailableException"/> with a Retry-After. Everything else keeps its exception.
    /// </summary>
    private async Task<T> RunAsync<T>(string action, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        // The budget bounds the whole operation, the SDK's retries included: past it the SDK call is cancelled.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(_budget);
        try
        {
            return await operation(budget.Token);
        }
        catch (CosmosException e) when (IsUnavailable(e.StatusCode))
        {
            var retryAfter = RetryAfterFor(e);
            // The status, not the exception: its text carries the SDK's (long) diagnostics, logged at Debug.
            _logger.LogWarning("Cosmos DB could not {Action}: {Status}/{SubStatus}, activity {ActivityId}; retry after {RetryAfter}.",
                action, (int)e.StatusCode, e.SubStatusCode, e.ActivityId, retryAfter);
            _logger.LogDebug("Cosmos DB diagnostics: {Diagnostics}", e.Diagnostics);
            throw new StoreUnavailableException($"Cosmos DB could not {action}: {(int)e.StatusCode} {e.StatusCode}.", retryAfter, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The SDK's own timeout (CosmosOperationCanceledException), not the caller's cancellation.
            _logger.LogWarning("Cosmos DB timed out trying to {Action}: {Error}", action, e.GetType().Name);
            _logger.LogDebug(e, "Cosmos DB timeout details");
            throw new StoreUnavailableException($"Cosmos DB timed out trying to {action}.", UnavailableRetryAfter, e);
        }
        catch (HttpRequestException e)
        {
            _logger.LogWarning(e, "Cosmos DB could not be reached to {Action}.", action);
            throw new StoreUnavailableException($"Cosmos DB could not be reached to {action}.", UnavailableRetryAfter, e);
        }
    }

    public static bool IsUnavailable(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests
        or HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout or HttpStatusCode.Gone or (HttpStatusCode)449;

    public static TimeSpan RetryAfterFor(CosmosException e)
    {
        var fallback = e.StatusCode == HttpStatusCode.TooManyRequests ? ThrottledRetryAfter : UnavailableRetryAfter;
        var retryAfter = e.RetryAfter is { } r && r > TimeSpan.Zero ? r : fallback;
        // Retry-After is sent in whole seconds: never advise less than one.
        return retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter;
    }
}
