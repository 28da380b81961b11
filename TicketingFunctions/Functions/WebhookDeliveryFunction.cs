using Microsoft.Azure.Functions.Worker;
using TicketingFunctions.Services;

namespace TicketingFunctions.Functions;

/// <summary>
/// Under the Functions host, webhook delivery runs from this timer, every 10 seconds: a <see cref="WebhookDispatcher"/>
/// pass, waiting for the work items it started (each attempt is bounded by 10 s) so the instance stays up meanwhile.
/// </summary>
public sealed class WebhookDeliveryFunction(WebhookDispatcher dispatcher)
{
    public const string Schedule = "*/10 * * * * *";

    [Function("WebhookDelivery")]
    public async Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        await dispatcher.RunOnceAsync(cancellationToken);
        await dispatcher.DrainAsync();
    }
}
