using Microsoft.Azure.Functions.Worker;
using TicketingFunctions.Services;

namespace TicketingFunctions.Functions;

/// <summary>
/// Webhook delivery under the Functions host: every 10 seconds the timer enqueues one message per subscription with due
/// work, and the queue trigger runs each message as that subscription's pass (<see cref="WebhookDeliveryQueue"/>), so
/// the host spreads the passes over its instances and a slow endpoint holds only its own message.
/// </summary>
public sealed class WebhookDeliveryFunction(WebhookDeliveryQueue queue)
{
    public const string Schedule = "*/10 * * * * *";

    [Function("WebhookDelivery")]
    public Task Enqueue([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        queue.EnqueueDueAsync(cancellationToken);

    [Function("WebhookDeliveryPass")]
    public Task Deliver([QueueTrigger(WebhookDeliveryQueue.Name, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        queue.HandleAsync(message, cancellationToken);
}
