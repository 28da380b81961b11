using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Services;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Functions;

/// <summary>POST of a move: to another team, or to another ticket type (the answer is then the successor).</summary>
public sealed class MoveTicketFunction(MoveTicketService service, RequestPipeline pipeline)
{
    [Function("MoveTicket")]
    public Task<IActionResult> Move(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.MoveTicket)] HttpRequest req,
        string objectId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Move, "move ticket",
        (caller, errors) =>
        {
            var key = req.Headers.TryGetValue(IdempotencyKeys.Header, out var sent) ? sent.ToString() : null;
            IdempotencyKeys.CheckHeader(key, caller, errors);
            return new MoveTicketRequest(objectId, HttpResults.IfMatchOf(req), req.Body, req.ContentLength, req.ContentType, key);
        },
        async (caller, request) =>
        {
            var outcome = await service.MoveAsync(caller, request, cancellationToken);
            if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
            var (ticket, replayed) = outcome.Value!;
            (string, string)[] headers = replayed
                ? [HttpResults.ETag(ticket), (IdempotencyKeys.ReplayedHeader, "true")]
                : [HttpResults.ETag(ticket)];
            return HttpResults.Json(200, new MoveTicketResponse(ticket.ObjectId, ticket), ApiJsonContext.Default.MoveTicketResponse, headers);
        }, cancellationToken, objectId);
}
