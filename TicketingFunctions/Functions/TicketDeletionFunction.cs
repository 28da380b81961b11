using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Functions;

/// <summary>DELETE of a ticket (soft: it keeps its document and history), with its etag in If-Match.</summary>
public sealed class TicketDeletionFunction(RequestAuthenticator authenticator, TicketDeletionService service, RequestGuard guard)
{
    [Function("DeleteTicket")]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Ticket)] HttpRequest req,
        string objectId,
        CancellationToken cancellationToken) => guard.GuardAsync(req, async () =>
    {
        var caller = await authenticator.AuthenticateAsync(req.HttpContext);
        if (caller is null) return HttpResults.Error(ApiError.Unauthenticated(), req);

        string? ifMatch = req.Headers.TryGetValue(HeaderNames.IfMatch, out var values) ? values.ToString() : null;
        var outcome = await service.DeleteAsync(caller, new DeleteTicketRequest(RequestHeaders.From(req), objectId, ifMatch), cancellationToken);
        if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
        var ticket = outcome.Value!;
        return HttpResults.Json(200, new DeleteTicketResponse(ticket.ObjectId, ticket), ApiJsonContext.Default.DeleteTicketResponse,
            HttpResults.ETag(ticket));
    });
}
