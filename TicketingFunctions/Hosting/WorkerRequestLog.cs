using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace TicketingFunctions.Hosting;

/// <summary>
/// The request log under the Functions host: the worker's middleware sees each HTTP function's ASP.NET Core context
/// and its function name, whose declared route is the template (the standalone host logs from its own middleware).
/// </summary>
public sealed class WorkerRequestLog(RequestLog log) : IFunctionsWorkerMiddleware
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Templates = new(() =>
    {
        var prefix = FunctionEndpoints.ReadRoutePrefix(Path.Combine(AppContext.BaseDirectory, "host.json"));
        return FunctionEndpoints.Discover(typeof(WorkerRequestLog).Assembly)
            .ToDictionary(f => f.Name, f => RequestLog.Template(prefix, f.Route), StringComparer.Ordinal);
    });

    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http)
            log.Track(http, Templates.Value.TryGetValue(context.FunctionDefinition.Name, out var template) ? template : RequestLog.NoRoute);
        return next(context);
    }
}
