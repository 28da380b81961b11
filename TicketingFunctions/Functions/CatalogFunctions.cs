using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Functions;

public sealed class CatalogFunctions(RequestAuthenticator authenticator, CatalogQueryService service, RequestGuard guard)
{
    [Function("ListTicketTypes")]
    public Task<IActionResult> ListTicketTypes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.TicketTypes)] HttpRequest req,
        CancellationToken cancellationToken) => guard.GuardAsync(req, async () =>
    {
        var caller = await authenticator.AuthenticateAsync(req.HttpContext);
        if (caller is null) return HttpResults.Error(ApiError.Unauthenticated(), req);
        var outcome = await service.ListTicketTypesAsync(caller, RequestHeaders.From(req), cancellationToken);
        return outcome.Error is not null
            ? HttpResults.Error(outcome.Error, req)
            : HttpResults.Json(200, outcome.Value!, ApiJsonContext.Default.IReadOnlyListTicketType);
    });

    [Function("ListOffers")]
    public Task<IActionResult> ListOffers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Offers)] HttpRequest req,
        CancellationToken cancellationToken) => guard.GuardAsync(req, async () =>
    {
        var caller = await authenticator.AuthenticateAsync(req.HttpContext);
        if (caller is null) return HttpResults.Error(ApiError.Unauthenticated(), req);
        var outcome = await service.ListOffersAsync(caller, RequestHeaders.From(req), cancellationToken);
        return outcome.Error is not null
            ? HttpResults.Error(outcome.Error, req)
            : HttpResults.Json(200, outcome.Value!, ApiJsonContext.Default.IReadOnlyListOffer);
    });
}
