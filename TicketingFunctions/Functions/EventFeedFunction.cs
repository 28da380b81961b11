using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Services;

namespace TicketingFunctions.Functions;

/// <summary>The tenant's ticket events in feed order, one page at a time: the pull side of events, and an incremental export.</summary>
public sealed class EventFeedFunction(EventFeedService service, RequestPipeline pipeline)
{
    [Function("ReadEventFeed")]
    public Task<IActionResult> Read(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Events)] HttpRequest req,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Read, "read the event feed",
        (_, errors) => EventFeedParameters.Parse(req.Query, errors),
        async (caller, parameters) =>
        {
            var outcome = await service.ReadAsync(caller, parameters, cancellationToken);
            if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
            var result = outcome.Value!;
            return HttpResults.Json(200, result.Response,
                result.IncludeData ? ApiJsonContext.Default.EventFeedResponse : TicketListJson.WithoutDataFor<EventFeedResponse>());
        }, cancellationToken);
}
