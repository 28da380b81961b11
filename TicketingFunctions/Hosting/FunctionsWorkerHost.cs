using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TicketingFunctions.Hosting;

/// <summary>The isolated worker the Functions host starts (func start, Azure), with the same services and logging defaults as the standalone host.</summary>
public static class FunctionsWorkerHost
{
    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var functions = FunctionsApplication.CreateBuilder(args);
        LoggingDefaults.AddTo(functions.Configuration);
        functions.ConfigureFunctionsWebApplication();
        functions.UseMiddleware<WorkerRequestLog>();
        functions.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
        functions.Services.AddTicketing(functions.Configuration);
        return functions;
    }
}
