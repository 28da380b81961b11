using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Services;

namespace TicketingFunctions.Functions;

public sealed class CatalogFunctions(CatalogQueryService service, RequestPipeline pipeline)
{
    [Function("ListTicketTypes")]
    public Task<IActionResult> ListTicketTypes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.TicketTypes)] HttpRequest req,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Read, "read the catalog", caller =>
            Task.FromResult(HttpResults.Json(200, service.ListTicketTypes(caller), ApiJsonContext.Default.IReadOnlyListTicketType)), cancellationToken);

    [Function("ListOffers")]
    public Task<IActionResult> ListOffers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Offers)] HttpRequest req,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Read, "read the catalog", caller =>
            Task.FromResult(HttpResults.Json(200, service.ListOffers(caller), ApiJsonContext.Default.IReadOnlyListOffer)), cancellationToken);
}
