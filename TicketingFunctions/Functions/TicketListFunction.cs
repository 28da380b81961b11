using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Functions;

/// <summary>A tenant's tickets, filtered and sorted, one page at a time.</summary>
public sealed class TicketListFunction(RequestAuthenticator authenticator, TicketListService service, RequestGuard guard)
{
    [Function("ListTickets")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.TicketList)] HttpRequest req,
        CancellationToken cancellationToken) => guard.GuardAsync(req, async () =>
    {
        var caller = await authenticator.AuthenticateAsync(req.HttpContext);
        if (caller is null) return HttpResults.Error(ApiError.Unauthenticated(), req);

        var outcome = await service.ListAsync(caller, new TicketListRequest(RequestHeaders.From(req), req.Query), cancellationToken);
        if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
        var page = outcome.Value!;
        return HttpResults.Json(200, new TicketListResponse(page.Tickets, page.ContinuationToken),
            page.IncludeData ? TicketListJson.WithData : TicketListJson.WithoutData);
    });
}
