using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Services;

namespace TicketingFunctions.Functions;

/// <summary>DELETE of a ticket (soft: it keeps its document and history), with its etag in If-Match.</summary>
public sealed class TicketDeletionFunction(TicketDeletionService service, RequestPipeline pipeline)
{
    [Function("DeleteTicket")]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Ticket)] HttpRequest req,
        string objectId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Delete, "delete ticket", async caller =>
        {
            var outcome = await service.DeleteAsync(caller, objectId, HttpResults.IfMatchOf(req), cancellationToken);
            if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
            var ticket = outcome.Value!;
            return HttpResults.Json(200, new DeleteTicketResponse(ticket.ObjectId, ticket), ApiJsonContext.Default.DeleteTicketResponse,
                HttpResults.ETag(ticket));
        }, cancellationToken, objectId);
}
