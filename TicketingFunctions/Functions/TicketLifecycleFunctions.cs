using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Functions;

/// <summary>Read, update and history of an existing ticket, addressed by its display id (objectId).</summary>
public sealed class TicketLifecycleFunctions(RequestAuthenticator authenticator, TicketLifecycleService service, RequestGuard guard)
{
    [Function("GetTicket")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Ticket)] HttpRequest req,
        string objectId,
        CancellationToken cancellationToken) => guard.GuardAsync(req, async () =>
    {
        var caller = await authenticator.AuthenticateAsync(req.HttpContext);
        if (caller is null) return HttpResults.Error(ApiError.Unauthenticated(), req);

        string? includeDeleted = req.Query.TryGetValue(DeletedTickets.IncludeDeletedParameter, out var flag) ? flag.ToString() : null;
        var outcome = await service.ReadAsync(caller, new TicketRequest(RequestHeaders.From(req), objectId, includeDeleted), cancellationToken);
        if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
        var ticket = outcome.Value!;
        return HttpResults.Json(200, new ReadTicketResponse(ticket), ApiJsonContext.Default.ReadTicketResponse, HttpResults.ETag(ticket));
    });

    [Function("UpdateTicket")]
    public Task<IActionResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Routes.UpdateTicket)] HttpRequest req,
        string objectId,
        CancellationToken cancellationToken) => guard.GuardAsync(req, async () =>
    {
        var caller = await authenticator.AuthenticateAsync(req.HttpContext);
        if (caller is null) return HttpResults.Error(ApiError.Unauthenticated(), req);

        string? ifMatch = req.Headers.TryGetValue(HeaderNames.IfMatch, out var values) ? values.ToString() : null;
        var request = new UpdateTicketRequest(RequestHeaders.From(req), objectId, ifMatch, req.Body, req.ContentLength, req.ContentType);
        var outcome = await service.UpdateAsync(caller, request, cancellationToken);
        if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
        var ticket = outcome.Value!;
        return HttpResults.Json(200, new UpdateTicketResponse(ticket.ObjectId, ticket), ApiJsonContext.Default.UpdateTicketResponse, HttpResults.ETag(ticket));
    });

    [Function("GetTicketHistory")]
    public Task<IActionResult> History(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.TicketHistory)] HttpRequest req,
        string objectId,
        CancellationToken cancellationToken) => guard.GuardAsync(req, async () =>
    {
        var caller = await authenticator.AuthenticateAsync(req.HttpContext);
        if (caller is null) return HttpResults.Error(ApiError.Unauthenticated(), req);

        var query = req.Query;
        var request = new TicketHistoryRequest(RequestHeaders.From(req), objectId,
            query.TryGetValue(HistoryPage.LimitParameter, out var limit) ? limit.ToString() : null,
            query.TryGetValue(HistoryPage.AfterParameter, out var after) ? after.ToString() : null);
        var outcome = await service.HistoryAsync(caller, request, cancellationToken);
        if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
        var view = outcome.Value!;
        return HttpResults.Json(200, new TicketHistoryResponse(view.ObjectId, view.Entries, view.NextAfter), ApiJsonContext.Default.TicketHistoryResponse);
    });
}
