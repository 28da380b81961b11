using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Functions;

/// <summary>
/// The one step every function goes through, under both hosts. It gives the request a correlation id (echoing the
/// caller's <c>x-correlation-id</c> when it is a sane token) in a log scope, then runs the contract's check order once,
/// the first failure winning: token 401 → headers and query parameters 400 → an unmapped Entra ID application 401 →
/// tenant 404 → the operation's permission 401. Only then does the function's handler run, with a
/// <see cref="CheckedCaller"/>, in a log scope naming the tenant (and the ticket, when the route has one). Anything
/// the handler leaves unhandled is mapped here: the store unavailable → 503 with Retry-After, any other exception
/// → the contract's 500, with no internals in the body. Body checks are the service's, after all of these.
/// </summary>
public sealed partial class RequestPipeline(RequestAuthenticator authenticator, TenantGate gate, ILogger<RequestPipeline> logger)
{
    public const string CorrelationHeader = "x-correlation-id";
    private const int MaxCorrelationLength = 128;

    /// <summary>An anonymous request (the API's description): the correlation id and the error mapping only.</summary>
    public Task<IActionResult> RunAnonymousAsync(HttpRequest request, Func<IActionResult> handle) =>
        GuardAsync(request, () => Task.FromResult(handle()));

    /// <summary>An anonymous request that awaits something (readiness checks).</summary>
    public Task<IActionResult> RunAnonymousAsync(HttpRequest request, Func<Task<IActionResult>> handle) =>
        GuardAsync(request, handle);

    /// <summary>A tenant-scoped request with no query parameters of its own.</summary>
    public Task<IActionResult> RunAsync(HttpRequest request, Permission permission, string operation,
        Func<CheckedCaller, Task<IActionResult>> handle, CancellationToken cancellationToken, string? objectId = null) =>
        RunAsync(request, permission, operation, static (_, _) => true, (caller, _) => handle(caller), cancellationToken, objectId);

    /// <summary>
    /// A tenant-scoped request: <paramref name="readQuery"/> reads the operation's query parameters (and any header of
    /// its own) for the authenticated caller, adding what is wrong to the errors, answered with the headers' as one 400.
    /// </summary>
    public async Task<IActionResult> RunAsync<TQuery>(HttpRequest request, Permission permission, string operation,
        Func<Caller, ValidationErrors, TQuery> readQuery, Func<CheckedCaller, TQuery, Task<IActionResult>> handle,
        CancellationToken cancellationToken, string? objectId = null)
    {
        // The guard's steps written out here rather than through GuardAsync and a lambda: one state machine and no
        // closure per request on every tenant-scoped call (the create path among them).
        using var correlation = BeginCorrelation(request);
        try
        {
            var caller = await authenticator.AuthenticateAsync(request.HttpContext);
            if (caller is null) return HttpResults.Error(ApiError.Unauthenticated(), request);

            var errors = new ValidationErrors();
            var query = readQuery(caller, errors);
            var headers = RequestHeaders.From(request);
            using var scope = objectId is null
                ? logger.BeginScope(new LogScope("TenantId", caller.TenantId ?? ""))
                : logger.BeginScope(new Dictionary<string, object> { ["TenantId"] = caller.TenantId ?? "", ["ObjectId"] = Loggable(objectId) });
            var entered = await gate.EnterAsync(caller, headers, errors, cancellationToken);
            if (entered.Error is not null) return HttpResults.Error(entered.Error, request);
            if (!Permissions.Allows(caller, permission)) return HttpResults.Error(ApiError.PermissionDenied(operation), request);

            return await handle(new CheckedCaller(caller, entered.Value!, headers), query);
        }
        catch (Exception ex)
        {
            return Failed(request, ex);
        }
    }

    private async Task<IActionResult> GuardAsync(HttpRequest request, Func<Task<IActionResult>> handle)
    {
        using var scope = BeginCorrelation(request);
        try
        {
            return await handle();
        }
        catch (Exception ex)
        {
            return Failed(request, ex);
        }
    }

    /// <summary>The request's correlation id, in its answer's header and in a log scope around everything after.</summary>
    private IDisposable? BeginCorrelation(HttpRequest request)
    {
        var headers = request.HttpContext.Response.Headers;
        var correlationId = headers.TryGetValue(CorrelationHeader, out var given) && given.Count == 1 ? given.ToString() : CorrelationIdOf(request);
        headers[CorrelationHeader] = correlationId;
        return logger.BeginScope(new LogScope("CorrelationId", correlationId));
    }

    /// <summary>What anything a handler leaves unhandled is answered with.</summary>
    private IActionResult Failed(HttpRequest request, Exception exception)
    {
        switch (exception)
        {
            case OperationCanceledException when request.HttpContext.RequestAborted.IsCancellationRequested:
                // The client went away; nobody reads the answer.
                return HttpResults.Error(ApiError.Internal, request);
            case StoreUnavailableException ex:
                // Throttling or an outage, wherever it happened (the catalog, a ticket, the attachments): the client may retry.
                LogUnavailable(logger, request.Method, request.Path.Value, ex.RetryAfter);
                return HttpResults.Error(ApiError.Unavailable(ex.RetryAfter), request);
            default:
                // The type and stack only: exception messages can carry request data.
                logger.LogError("Unhandled {ExceptionType} in {Method} {Route}: {StackTrace}", exception.GetType().FullName, request.Method, request.Path.Value, exception.StackTrace);
                return HttpResults.Error(ApiError.Internal, request);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store unavailable in {Method} {Route}; retry after {RetryAfter}")]
    private static partial void LogUnavailable(ILogger logger, string method, string? route, TimeSpan retryAfter);

    /// <summary>The caller's <c>x-correlation-id</c> when it is a sane token, else a new UUID.</summary>
    public static string CorrelationIdOf(HttpRequest request)
    {
        var sent = request.Headers[CorrelationHeader].ToString();
        return sent.Length is > 0 and <= MaxCorrelationLength && sent.All(IsSafe) ? sent : Guid.NewGuid().ToString();
    }

    // Echoed into a header and into logs: letters, digits and a few separators only.
    private static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';

    /// <summary>The objectId comes from the URL: logged only when it looks like a display id.</summary>
    private static string Loggable(string objectId) =>
        objectId.Length is > 0 and <= 64 && objectId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? objectId : "(not a display id)";
}
