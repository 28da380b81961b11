using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Api;

namespace TicketingFunctions.Functions;

/// <summary>Turns an unexpected exception into the contract's 500 JSON, with no internals in the body.</summary>
public sealed class UnhandledErrors(ILogger<UnhandledErrors> logger)
{
    public async Task<IActionResult> GuardAsync(HttpRequest request, Func<Task<IActionResult>> handle)
    {
        try
        {
            return await handle();
        }
        catch (OperationCanceledException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads the answer.
            return HttpResults.Error(ApiError.Internal, request);
        }
        catch (Exception ex)
        {
            // The exception type only: messages can carry request data.
            logger.LogError("Unhandled {ExceptionType} in {Method} {Path}", ex.GetType().FullName, request.Method, request.Path.Value);
            return HttpResults.Error(ApiError.Internal, request);
        }
    }
}
