using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Storage;

/// <summary>
/// The tenants' webhook subscriptions, one document each in the tenant's partition. Every operation names the tenant
/// (from the validated token, or from the tenant list for delivery), so every read is in one partition. Writes are
/// compare-and-swap on the store's own version of the document (<see cref="StoredWebhook.StoreEtag"/>): the API's
/// changes and delivery's progress never overwrite each other.
/// </summary>
public interface IWebhookStore
{
    /// <summary>Stores a new subscription; its id is new (random), so a conflict is a bug and throws.</summary>
    Task<StoredWebhook> CreateWebhookAsync(WebhookSubscription subscription, CancellationToken cancellationToken);

    Task<StoredWebhook?> GetWebhookAsync(string tenantId, string id, CancellationToken cancellationToken);

    /// <summary>The tenant's subscriptions, oldest first (a tenant has few: <see cref="WebhookOptions.MaxSubscriptionsPerTenant"/>).</summary>
    Task<IReadOnlyList<StoredWebhook>> ListWebhooksAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the subscription if the stored one is still at <paramref name="storeEtag"/>; else
    /// <see cref="EtagMismatchException"/> (also when it was deleted).
    /// </summary>
    Task<StoredWebhook> ReplaceWebhookAsync(WebhookSubscription subscription, string storeEtag, CancellationToken cancellationToken);

    /// <summary>Deletes it; false when there was none.</summary>
    Task<bool> DeleteWebhookAsync(string tenantId, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Adds attempts to the delivery log in one call: a page of deliveries logs its attempts at once, not one write
    /// each. The rows are independent of each other (a store may write them in one transaction or side by side).
    /// </summary>
    Task AppendAttemptsAsync(IReadOnlyList<WebhookAttempt> attempts, CancellationToken cancellationToken);

    /// <summary>
    /// The subscription's attempts (of one event when <paramref name="eventId"/> is set), newest first, those with an id
    /// before <paramref name="before"/> when it is set, at most <paramref name="limit"/>: a keyset read in the tenant's
    /// partition, whose cost doesn't grow with the page's position.
    /// </summary>
    Task<WebhookAttemptPage> ListAttemptsAsync(string tenantId, string webhookId, string? eventId, string? before, int limit, CancellationToken cancellationToken);
}

/// <summary>A subscription as read, with the store's version of its document (for the next replace).</summary>
public sealed record StoredWebhook(WebhookSubscription Subscription, string StoreEtag);
