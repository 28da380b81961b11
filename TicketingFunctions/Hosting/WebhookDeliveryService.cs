using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Services;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Hosting;

/// <summary>
/// The standalone host's webhook delivery: a <see cref="WebhookDispatcher"/> pass every
/// <see cref="WebhookOptions.PollIntervalMilliseconds"/> (0 turns it off), on the injected <see cref="TimeProvider"/>.
/// Each pass only starts the subscriptions' work items, so a slow endpoint never delays the next pass.
/// </summary>
public sealed partial class WebhookDeliveryService(WebhookDispatcher dispatcher, TimeProvider time, IOptions<WebhookOptions> options,
    ILogger<WebhookDeliveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PollIntervalMilliseconds;
        if (interval <= 0) return;
        await PeriodicPass.RunAsync(TimeSpan.FromMilliseconds(interval), time, dispatcher.RunOnceAsync, e => LogFailed(logger, e.GetType().Name), stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A webhook delivery pass failed ({ExceptionType}); it runs again at the next tick")]
    private static partial void LogFailed(ILogger logger, string exceptionType);
}
