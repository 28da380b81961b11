using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Api;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Functions;

/// <summary>
/// Liveness (the process answers) and readiness (the ticket store and the attachment store answer within
/// <see cref="ReadyTimeout"/>), anonymously, for load balancers and the platform's health check.
/// </summary>
public sealed partial class HealthFunctions(ITicketStore tickets, IAttachmentStore attachments, RequestPipeline pipeline, ILogger<HealthFunctions> logger)
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(3);
    public const string TicketStore = "ticketStore";
    public const string AttachmentStore = "attachmentStore";

    [Function("GetHealth")]
    public Task<IActionResult> Live(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Health)] HttpRequest req) =>
        pipeline.RunAnonymousAsync(req, () =>
        {
            req.HttpContext.Response.Headers.CacheControl = "no-store";
            return Task.FromResult(HttpResults.Json(200, new HealthReport("ok"), ApiJsonContext.Default.HealthReport));
        });

    [Function("GetHealthReady")]
    public Task<IActionResult> Ready(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.HealthReady)] HttpRequest req,
        CancellationToken cancellationToken) => pipeline.RunAnonymousAsync(req, async () =>
    {
        req.HttpContext.Response.Headers.CacheControl = "no-store";
        var ticketStore = CheckAsync(TicketStore, tickets.CheckReadyAsync, cancellationToken);
        var attachmentStore = CheckAsync(AttachmentStore, attachments.CheckReadyAsync, cancellationToken);
        var checks = new Dictionary<string, string>
        {
            [TicketStore] = await ticketStore ? "ok" : "unreachable",
            [AttachmentStore] = await attachmentStore ? "ok" : "unreachable",
        };
        var ready = checks.Values.All(v => v == "ok");
        return HttpResults.Json(ready ? 200 : 503, new HealthReport(ready ? "ready" : "unavailable", checks), ApiJsonContext.Default.HealthReport);
    });

    private async Task<bool> CheckAsync(string part, Func<CancellationToken, Task> check, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadyTimeout);
        try
        {
            await check(timeout.Token).WaitAsync(timeout.Token);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The type only: messages can carry endpoints and account names, and this log is about the part.
            LogNotReady(logger, part, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: {Part} is unreachable ({ExceptionType})")]
    private static partial void LogNotReady(ILogger logger, string part, string exceptionType);
}
