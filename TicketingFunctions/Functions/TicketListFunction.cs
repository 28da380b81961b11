using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Services;

namespace TicketingFunctions.Functions;

/// <summary>A tenant's tickets, filtered and sorted, one page at a time.</summary>
public sealed class TicketListFunction(TicketListService service, RequestPipeline pipeline)
{
    [Function("ListTickets")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.TicketList)] HttpRequest req,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Read, "list tickets",
        (_, errors) => TicketListParameters.Parse(req.Query, errors),
        async (caller, parameters) =>
        {
            var outcome = await service.ListAsync(caller, parameters, cancellationToken);
            if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
            var page = outcome.Value!;
            return HttpResults.JsonWrittenBy(200, body => TicketListJson.Write(body, page));
        }, cancellationToken);
}
