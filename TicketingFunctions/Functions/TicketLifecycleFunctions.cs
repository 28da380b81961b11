using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Services;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Functions;

/// <summary>Read, update and history of an existing ticket, addressed by its display id (objectId).</summary>
public sealed class TicketLifecycleFunctions(TicketLifecycleService service, RequestPipeline pipeline)
{
    [Function("GetTicket")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Ticket)] HttpRequest req,
        string objectId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Read, "read ticket",
        (_, errors) => DeletedTickets.ParseIncludeDeleted(
            req.Query.TryGetValue(DeletedTickets.IncludeDeletedParameter, out var flag) ? flag.ToString() : null, errors),
        async (caller, includeDeleted) =>
        {
            var outcome = await service.ReadAsync(caller, objectId, includeDeleted, cancellationToken);
            if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
            var ticket = outcome.Value!;
            return HttpResults.Json(200, new ReadTicketResponse(ticket), ApiJsonContext.Default.ReadTicketResponse, HttpResults.ETag(ticket));
        }, cancellationToken, objectId);

    [Function("UpdateTicket")]
    public Task<IActionResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Routes.UpdateTicket)] HttpRequest req,
        string objectId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Write, "update ticket", async caller =>
        {
            var request = new UpdateTicketRequest(objectId, HttpResults.IfMatchOf(req), req.Body, req.ContentLength, req.ContentType);
            var outcome = await service.UpdateAsync(caller, request, cancellationToken);
            if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
            var ticket = outcome.Value!;
            return HttpResults.Json(200, new UpdateTicketResponse(ticket.ObjectId, ticket), ApiJsonContext.Default.UpdateTicketResponse, HttpResults.ETag(ticket));
        }, cancellationToken, objectId);

    [Function("GetTicketHistory")]
    public Task<IActionResult> History(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.TicketHistory)] HttpRequest req,
        string objectId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Read, "read ticket history",
        (_, errors) => HistoryPage.Parse(
            req.Query.TryGetValue(HistoryPage.LimitParameter, out var limit) ? limit.ToString() : null,
            req.Query.TryGetValue(HistoryPage.AfterParameter, out var after) ? after.ToString() : null,
            req.Query.TryGetValue(HistoryPage.CommentsAfterParameter, out var commentsAfter) ? commentsAfter.ToString() : null, errors),
        async (caller, page) =>
        {
            var outcome = await service.HistoryAsync(caller, objectId, page, cancellationToken);
            if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
            var view = outcome.Value!;
            return HttpResults.Json(200, new TicketHistoryResponse(view.ObjectId, view.Entries, view.NextAfter, view.NextCommentsAfter), ApiJsonContext.Default.TicketHistoryResponse);
        }, cancellationToken, objectId);
}
