using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Storage;

/// <summary>
/// The webhook subscriptions on Cosmos DB: documents of <c>kind</c> "webhook" in the tenants container (partition
/// <c>tenant_id</c>), beside the tenant's catalog and counters, so no new container is needed; the delivery log's
/// attempts in the events container, where they expire by their <c>ttl</c>. Written and read
/// through the SDK's stream API with the subscriptions' own source-generated JSON; every replace is conditional on
/// the document's <c>_etag</c>. Statuses that mean "try later" (429, 503, 408, 410, 449) become
/// <see cref="StoreUnavailableException"/>, as in the ticket store.
/// </summary>
public sealed class CosmosWebhookStore(CosmosClientProvider clients) : IWebhookStore
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public async Task<StoredWebhook> CreateWebhookAsync(WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        var container = await TenantsAsync(cancellationToken);
        using var response = await container.CreateItemStreamAsync(Stream(subscription), new PartitionKey(subscription.TenantId),
            new ItemRequestOptions { EnableContentResponseOnWrite = false }, cancellationToken);
        Check(response, "create a webhook subscription");
        return new StoredWebhook(subscription, response.Headers.ETag);
    }

    public async Task<StoredWebhook?> GetWebhookAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var container = await TenantsAsync(cancellationToken);
        using var response = await container.ReadItemStreamAsync(id, new PartitionKey(tenantId), cancellationToken: cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        Check(response, "read a webhook subscription");
        using var json = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
        // The id may name a document of another kind (a catalog, a counter): not a subscription.
        if (!json.RootElement.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String || kind.GetString() != WebhookSubscription.DocumentKind)
            return null;
        return new StoredWebhook(json.RootElement.Deserialize(WebhookJsonContext.Default.WebhookSubscription)!, response.Headers.ETag);
    }

    public async Task<IReadOnlyList<StoredWebhook>> ListWebhooksAsync(string tenantId, CancellationToken cancellationToken)
    {
        var container = await TenantsAsync(cancellationToken);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.tenant_id = @tenantId AND c.kind = @kind")
            .WithParameter("@tenantId", tenantId).WithParameter("@kind", WebhookSubscription.DocumentKind);
        using var results = container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(tenantId) });
        var found = new List<StoredWebhook>();
        while (results.HasMoreResults)
        {
            using var page = await results.ReadNextAsync(cancellationToken);
            Check(page, "list webhook subscriptions");
            using var json = await JsonDocument.ParseAsync(page.Content, cancellationToken: cancellationToken);
            foreach (var document in json.RootElement.GetProperty("Documents").EnumerateArray())
                found.Add(new StoredWebhook(document.Deserialize(WebhookJsonContext.Default.WebhookSubscription)!, document.GetProperty("_etag").GetString()!));
        }
        return [.. found.OrderBy(w => w.Subscription.CreatedAt, StringComparer.Ordinal).ThenBy(w => w.Subscription.Id, StringComparer.Ordinal)];
    }

    public async Task<StoredWebhook> ReplaceWebhookAsync(WebhookSubscription subscription, string storeEtag, CancellationToken cancellationToken)
    {
        var container = await TenantsAsync(cancellationToken);
        using var response = await container.ReplaceItemStreamAsync(Stream(subscription), subscription.Id, new PartitionKey(subscription.TenantId),
            new ItemRequestOptions { IfMatchEtag = storeEtag, EnableContentResponseOnWrite = false }, cancellationToken);
        if (response.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            throw new EtagMismatchException($"Webhook subscription {subscription.Id} changed or is gone.");
        Check(response, "replace a webhook subscription");
        return new StoredWebhook(subscription, response.Headers.ETag);
    }

    public async Task<bool> DeleteWebhookAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        if (await GetWebhookAsync(tenantId, id, cancellationToken) is null) return false;
        var container = await TenantsAsync(cancellationToken);
        using var response = await container.DeleteItemStreamAsync(id, new PartitionKey(tenantId), cancellationToken: cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        Check(response, "delete a webhook subscription");
        return true;
    }

    /// <summary>
    /// The attempts side by side, one create each (no TransactionalBatch: the emulator lacks it, and log rows need no
    /// atomicity), so a page's log costs one round trip's time, not one per attempt. A failure of any is thrown once all ended.
    /// </summary>
    public async Task AppendAttemptsAsync(IReadOnlyList<WebhookAttempt> attempts, CancellationToken cancellationToken)
    {
        if (attempts.Count == 0) return;
        var container = await EventsAsync(cancellationToken);
        await Task.WhenAll(attempts.Select(async attempt =>
        {
            using var response = await container.CreateItemStreamAsync(
                new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(attempt, WebhookJsonContext.Default.WebhookAttempt)),
                new PartitionKey(attempt.TenantId), AttemptWrite, cancellationToken);
            Check(response, "log a webhook attempt");
        }));
    }

    private static readonly ItemRequestOptions AttemptWrite = new() { EnableContentResponseOnWrite = false };

    public async Task<WebhookAttemptPage> ListAttemptsAsync(string tenantId, string webhookId, string? eventId, string? before, int limit, CancellationToken cancellationToken)
    {
        var container = await EventsAsync(cancellationToken);
        var query = new QueryDefinition($"""
            SELECT TOP @top * FROM c WHERE c.tenant_id = @tenantId AND c.kind = @kind AND c.webhook_id = @webhookId AND c.id < @before
            {(eventId is null ? "" : "AND c.event_id = @eventId")} ORDER BY c.id DESC
            """)
            .WithParameter("@top", limit + 1).WithParameter("@tenantId", tenantId).WithParameter("@kind", WebhookAttempt.DocumentKind)
            .WithParameter("@webhookId", webhookId).WithParameter("@before", before ?? "~").WithParameter("@eventId", eventId ?? "");
        var found = new List<WebhookAttempt>();
        try
        {
            using var results = container.GetItemQueryIterator<JsonElement>(query, requestOptions: new QueryRequestOptions
            {
                PartitionKey = new PartitionKey(tenantId),
                EnableOptimisticDirectExecution = true,
            });
            while (results.HasMoreResults && found.Count <= limit)
                foreach (var document in await results.ReadNextAsync(cancellationToken))
                    found.Add(document.Deserialize(WebhookJsonContext.Default.WebhookAttempt)!);
        }
        catch (CosmosException e) when (CosmosTicketStore.IsUnavailable(e.StatusCode))
        {
            throw new StoreUnavailableException($"Cosmos DB could not list webhook attempts: {(int)e.StatusCode}.", RetryAfter, e);
        }
        var more = found.Count > limit;
        if (more) found.RemoveRange(limit, found.Count - limit);
        return new WebhookAttemptPage(found, more ? found[^1].Id : null);
    }

    private async Task<Container> TenantsAsync(CancellationToken cancellationToken) => (await ContainersAsync(cancellationToken)).Tenants;

    /// <summary>The delivery log lives in the events container: its documents expire by their <c>ttl</c> there, as events do (feed reads filter on <c>position</c>, which attempts lack).</summary>
    private async Task<Container> EventsAsync(CancellationToken cancellationToken) => (await ContainersAsync(cancellationToken)).Events;

    private async Task<CosmosContainers> ContainersAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await clients.GetContainersAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new StoreUnavailableException("Cosmos DB could not be reached.", RetryAfter, e);
        }
    }

    private static MemoryStream Stream(WebhookSubscription subscription) =>
        new(JsonSerializer.SerializeToUtf8Bytes(subscription, WebhookJsonContext.Default.WebhookSubscription));

    private static void Check(ResponseMessage response, string action)
    {
        if (response.IsSuccessStatusCode) return;
        if (CosmosTicketStore.IsUnavailable(response.StatusCode))
            throw new StoreUnavailableException($"Cosmos DB could not {action}: {(int)response.StatusCode}.", RetryAfter);
        throw new InvalidOperationException($"Cosmos DB could not {action}: {(int)response.StatusCode} {response.StatusCode}.");
    }
}
