using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Services;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Functions;

public sealed class CreateTicketFunction(CreateTicketService service, RequestPipeline pipeline)
{
    [Function("CreateTicket")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.CreateTicket)] HttpRequest req,
        string teamId,
        string itemTypeId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Write, "create ticket",
        (caller, errors) => CreateTicketService.Check(new CreateTicketRequest(teamId, itemTypeId, req.Query["type"], req.Query["module"], req.Body,
            req.ContentLength, req.Headers.TryGetValue(IdempotencyKeys.Header, out var key) ? key.ToString() : null, req.ContentType), caller, errors),
        async (caller, request) =>
        {
            var outcome = await service.CreateAsync(caller, request, cancellationToken);
            if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);

            var (ticket, replayed) = outcome.Value!;
            (string, string)[] headers = replayed
                ? [HttpResults.ETag(ticket), (HeaderNames.Location, LocationOf(req, ticket)), (IdempotencyKeys.ReplayedHeader, "true")]
                : [HttpResults.ETag(ticket), (HeaderNames.Location, LocationOf(req, ticket))];
            return HttpResults.Json(200, new CreateTicketResponse(ticket.ObjectId, ticket), ApiJsonContext.Default.CreateTicketResponse, headers);
        }, cancellationToken);

    private static string LocationOf(HttpRequest req, Ticket ticket) => HttpResults.TicketLocation(req, ticket.ObjectId);
}
