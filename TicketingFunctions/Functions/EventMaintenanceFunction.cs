using Microsoft.Azure.Functions.Worker;
using TicketingFunctions.Services;

namespace TicketingFunctions.Functions;

/// <summary>Under the Functions host, the events' periodic pass (<see cref="EventMaintenance"/>) runs from this timer, once a minute.</summary>
public sealed class EventMaintenanceFunction(EventMaintenance maintenance)
{
    public const string Schedule = "0 */1 * * * *";

    [Function("EventMaintenance")]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        maintenance.RunOnceAsync(cancellationToken);
}
