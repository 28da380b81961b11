using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Services;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Hosting;

/// <summary>
/// The standalone host's stand-in for the Functions timer (<see cref="Functions.EventMaintenanceFunction"/>): the same
/// pass, at start (after a crash, pending events are handed over first) and then every
/// <see cref="EventOptions.MaintenanceIntervalSeconds"/> (0 turns it off), on the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class EventMaintenanceService(EventMaintenance maintenance, TimeProvider time, IOptions<EventOptions> options,
    ILogger<EventMaintenanceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.MaintenanceIntervalSeconds;
        if (seconds <= 0) return;
        await PeriodicPass.RunAsync(TimeSpan.FromSeconds(seconds), time, maintenance.RunOnceAsync, e => LogFailed(logger, e.GetType().Name), stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The events' maintenance pass failed ({ExceptionType}); it runs again at the next tick")]
    private static partial void LogFailed(ILogger logger, string exceptionType);
}
