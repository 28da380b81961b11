using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Functions;

namespace TicketingFunctions.Hosting;

/// <summary>
/// One line per request, written when the response has completed (so with its final status under both hosts):
/// method, route template (never the raw path, which carries ids), status, milliseconds, correlation id and the
/// validated caller's tenant. Never a header value other than the correlation id, never a body.
/// </summary>
public sealed partial class RequestLog(ILogger<RequestLog> logger)
{
    public const string NoRoute = "(no route)";
    public const string NoTenant = "-";

    /// <summary>Writes the request's line once its response has completed.</summary>
    public void Track(HttpContext context, string routeTemplate) => Track(context, _ => routeTemplate);

    /// <summary>As above, with the template found when the response completes (after routing chose the endpoint).</summary>
    public void Track(HttpContext context, Func<HttpContext, string> routeTemplate)
    {
        var started = Stopwatch.GetTimestamp();
        context.Response.OnCompleted(() =>
        {
            var correlationId = context.Response.Headers[RequestPipeline.CorrelationHeader].ToString();
            LogRequest(logger, context.Request.Method, routeTemplate(context), context.Response.StatusCode,
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                correlationId.Length > 0 ? correlationId : "-", RequestTenant.Of(context) ?? NoTenant);
            return Task.CompletedTask;
        });
    }

    [LoggerMessage(EventId = 1, EventName = "Request", Level = LogLevel.Information,
        Message = "{Method} {Route} {Status} {ElapsedMs} ms correlation {CorrelationId} tenant {Tenant}")]
    private static partial void LogRequest(ILogger logger, string method, string route, int status, long elapsedMs, string correlationId, string tenant);

    /// <summary>A trigger's route as a reader knows it: "/api/v2/ticketing/ticket/{objectId}", without constraints.</summary>
    public static string Template(string routePrefix, string route)
    {
        var bare = Constraint().Replace(route, "{$1}");
        return routePrefix.Length == 0 ? "/" + bare : $"/{routePrefix}/{bare}";
    }

    [GeneratedRegex(@"\{(\w+):[^}]*\}")]
    private static partial Regex Constraint();
}
