using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Api;

namespace TicketingFunctions.Functions;

/// <summary>
/// Wraps every function: gives the request a correlation id (echoing the caller's <c>x-correlation-id</c> when
/// it is a sane token), opens a log scope with it, and turns an unexpected exception into the contract's 500 JSON,
/// with no internals in the body.
/// </summary>
public sealed class RequestGuard(ILogger<RequestGuard> logger)
{
    public const string CorrelationHeader = "x-correlation-id";
    private const int MaxCorrelationLength = 128;

    public async Task<IActionResult> GuardAsync(HttpRequest request, Func<Task<IActionResult>> handle)
    {
        var headers = request.HttpContext.Response.Headers;
        var correlationId = headers.TryGetValue(CorrelationHeader, out var given) && given.Count == 1 ? given.ToString() : CorrelationIdOf(request);
        headers[CorrelationHeader] = correlationId;
        using var scope = logger.BeginScope(new LogScope("CorrelationId", correlationId));
        try
        {
            return await handle();
        }
        catch (OperationCanceledException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads the answer.
            return HttpResults.Error(ApiError.Internal, request);
        }
        catch (TicketingFunctions.Storage.StoreUnavailableException ex)
        {
            // Throttling or an outage outside the paths that map it themselves (e.g. a cold catalog read).
            logger.LogWarning("Store unavailable in {Method} {Route}; retry after {RetryAfter}", request.Method, request.Path.Value, ex.RetryAfter);
            return HttpResults.Error(ApiError.Unavailable(ex.RetryAfter), request);
        }
        catch (Exception ex)
        {
            // The type and stack only: exception messages can carry request data.
            logger.LogError("Unhandled {ExceptionType} in {Method} {Route}: {StackTrace}", ex.GetType().FullName, request.Method, request.Path.Value, ex.StackTrace);
            return HttpResults.Error(ApiError.Internal, request);
        }
    }

    /// <summary>The caller's <c>x-correlation-id</c> when it is a sane token, else a new UUID.</summary>
    public static string CorrelationIdOf(HttpRequest request)
    {
        var sent = request.Headers[CorrelationHeader].ToString();
        return sent.Length is > 0 and <= MaxCorrelationLength && sent.All(IsSafe) ? sent : Guid.NewGuid().ToString();
    }

    // Echoed into a header and into logs: letters, digits and a few separators only.
    private static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';
}
