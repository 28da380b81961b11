using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Functions;

public sealed class CreateTicketFunction(RequestAuthenticator authenticator, CreateTicketService service, RequestGuard guard)
{
    [Function("CreateTicket")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.CreateTicket)] HttpRequest req,
        string teamId,
        string itemTypeId,
        CancellationToken cancellationToken) => guard.GuardAsync(req, async () =>
    {
        var caller = await authenticator.AuthenticateAsync(req.HttpContext);
        if (caller is null) return HttpResults.Error(ApiError.Unauthenticated(), req);

        var request = new CreateTicketRequest(RequestHeaders.From(req), teamId, itemTypeId, req.Query["type"], req.Query["module"], req.Body, req.ContentLength,
            req.Headers.TryGetValue(IdempotencyKeys.Header, out var key) ? key.ToString() : null, req.ContentType);
        var outcome = await service.CreateAsync(caller, request, cancellationToken);
        if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);

        var (ticket, replayed) = outcome.Value!;
        (string, string)[] headers = replayed
            ? [HttpResults.ETag(ticket), (HeaderNames.Location, LocationOf(req, ticket)), (IdempotencyKeys.ReplayedHeader, "true")]
            : [HttpResults.ETag(ticket), (HeaderNames.Location, LocationOf(req, ticket))];
        return HttpResults.Json(200, new CreateTicketResponse(ticket.ObjectId, ticket), ApiJsonContext.Default.CreateTicketResponse, headers);
    });

    private const string TicketPath = "/api/" + Routes.TicketPrefix;

    private static string LocationOf(HttpRequest req, Ticket ticket) =>
        string.Concat(req.PathBase.Value, TicketPath, Uri.EscapeDataString(ticket.ObjectId));
}
