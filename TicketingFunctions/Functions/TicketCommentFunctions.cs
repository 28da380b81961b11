using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Services;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Functions;

/// <summary>A ticket's conversation: add a comment, and read them a page at a time, oldest first.</summary>
public sealed class TicketCommentFunctions(TicketCommentService service, RequestPipeline pipeline)
{
    [Function("AddTicketComment")]
    public Task<IActionResult> Add(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.TicketComments)] HttpRequest req,
        string objectId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Write, "comment on ticket", async caller =>
        {
            var outcome = await service.AddAsync(caller, objectId, req.Body, req.ContentLength, req.ContentType, cancellationToken);
            return outcome.Error is not null ? HttpResults.Error(outcome.Error, req) : Answer(outcome.Value!);
        }, cancellationToken, objectId);

    [Function("ListTicketComments")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.TicketComments)] HttpRequest req,
        string objectId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Read, "read ticket comments",
        (_, errors) => CommentPageRequest.Parse(
            req.Query.TryGetValue(CommentPageRequest.LimitParameter, out var limit) ? limit.ToString() : null,
            req.Query.TryGetValue(CommentPageRequest.AfterParameter, out var after) ? after.ToString() : null, errors),
        async (caller, page) =>
        {
            var outcome = await service.ListAsync(caller, objectId, page, cancellationToken);
            if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
            var result = outcome.Value!;
            return HttpResults.Json(200, new CommentPageResponse(result.ObjectId, [.. result.Comments.Select(c => CommentView.Of(result.ObjectId, c))], result.NextAfter),
                ApiJsonContext.Default.CommentPageResponse);
        }, cancellationToken, objectId);

    [Function("EditTicketComment")]
    public Task<IActionResult> Edit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Routes.TicketComment)] HttpRequest req,
        string objectId,
        string commentId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Write, "edit comment", async caller =>
        {
            var outcome = await service.EditAsync(caller, objectId, commentId, HttpResults.IfMatchOf(req), req.Body, req.ContentLength, req.ContentType, cancellationToken);
            return outcome.Error is not null ? HttpResults.Error(outcome.Error, req) : Answer(outcome.Value!);
        }, cancellationToken, objectId);

    [Function("RedactTicketComment")]
    public Task<IActionResult> Redact(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.RedactTicketComment)] HttpRequest req,
        string objectId,
        string commentId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Redact, "redact a comment", async caller =>
        {
            var outcome = await service.RedactAsync(caller, objectId, commentId, cancellationToken);
            return outcome.Error is not null ? HttpResults.Error(outcome.Error, req) : Answer(outcome.Value!);
        }, cancellationToken, objectId);

    /// <summary>The comment, with its own etag in the ETag header (an edit's If-Match).</summary>
    private static IActionResult Answer(CommentResult result) =>
        HttpResults.Json(200, new CommentResponse(result.ObjectId, CommentView.Of(result.ObjectId, result.Comment)), ApiJsonContext.Default.CommentResponse,
            (HeaderNames.ETag, $"\"{result.Comment.Etag}\""));
}
