using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;

namespace TicketingFunctions.Services;

/// <summary>
/// Webhook delivery under the Functions host, through the Storage queue <see cref="Name"/>: the timer enqueues one
/// message per subscription with due work (<see cref="EnqueueDueAsync"/>), and each message is one subscription's
/// pass (<see cref="HandleAsync"/>), so a slow endpoint holds only its own message. Delivery stays at least once: a
/// duplicate message finds the cursor already moved (or the pass running here) and sends nothing twice but what an
/// unsaved cursor would resend anyway, with the same webhook-id. The standalone host does not use this: its hosted
/// service runs <see cref="WebhookDispatcher.RunOnceAsync"/> in process.
/// </summary>
public sealed partial class WebhookDeliveryQueue(QueueClient queue, WebhookDispatcher dispatcher, ILogger<WebhookDeliveryQueue> logger)
{
    /// <summary>The queue's name, also in infra/main.bicep (the storage account's queues).</summary>
    public const string Name = "webhook-deliveries";

    /// <summary>
    /// A message not taken within this time expires: the timer enqueues the subscription again 10 s later if it still
    /// has due work, so a backlog of stale messages can't pile up behind a stopped consumer.
    /// </summary>
    public static readonly TimeSpan MessageTimeToLive = TimeSpan.FromMinutes(10);

    /// <summary>Enqueues one message per subscription with due work; returns how many.</summary>
    public async Task<int> EnqueueDueAsync(CancellationToken cancellationToken)
    {
        var due = await dispatcher.FindDueWorkAsync(cancellationToken);
        foreach (var subscription in due)
            await SendAsync(new WebhookDeliveryMessage(subscription.TenantId, subscription.Id).ToJson(), cancellationToken);
        return due.Count;
    }

    private async Task SendAsync(string message, CancellationToken cancellationToken)
    {
        try
        {
            await queue.SendMessageAsync(message, visibilityTimeout: null, timeToLive: MessageTimeToLive, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Infra creates the queue in Azure; locally (Azurite) the first message creates it.
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await queue.SendMessageAsync(message, visibilityTimeout: null, timeToLive: MessageTimeToLive, cancellationToken);
        }
    }

    /// <summary>
    /// One message: that subscription's pass. A message the timer did not write is logged and dropped (retrying it
    /// could never succeed); a failure of the pass (a store outage) propagates, so the queue retries the message up to
    /// host.json's maxDequeueCount and then moves it to the poison queue, while the timer enqueues the subscription anew.
    /// </summary>
    public async Task HandleAsync(string message, CancellationToken cancellationToken)
    {
        if (!WebhookDeliveryMessage.TryParse(message, out var parsed))
        {
            LogMalformed(logger, message.Length);
            return;
        }
        if (!await dispatcher.DeliverExclusiveAsync(parsed.TenantId, parsed.WebhookId, cancellationToken))
            LogAlreadyRunning(logger, parsed.TenantId, parsed.WebhookId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A webhook delivery message that is not one the timer writes ({Length} characters) was dropped")]
    private static partial void LogMalformed(ILogger logger, int length);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {WebhookId} of tenant {TenantId}: its pass runs in this process already; the duplicate message is done")]
    private static partial void LogAlreadyRunning(ILogger logger, string tenantId, string webhookId);
}
