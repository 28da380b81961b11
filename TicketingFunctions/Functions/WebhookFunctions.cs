using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Services;

namespace TicketingFunctions.Functions;

/// <summary>The tenant's webhook subscriptions: create, list, read, update, delete, pause, resume, rotate the secret (tenant admins).</summary>
public sealed class WebhookFunctions(WebhookSubscriptionService service, JsonBodyReader bodies, RequestPipeline pipeline)
{
    /// <summary>What a caller without the right is told they may not do (403), the same for every operation here.</summary>
    private const string Operation = "manage webhook subscriptions";

    [Function("CreateWebhook")]
    public Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Webhooks)] HttpRequest req,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.ManageWebhooks, Operation,
        caller => WithBodyAsync(req, async body =>
        {
            var outcome = await service.CreateAsync(caller, body, cancellationToken);
            if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
            return HttpResults.Json(201, outcome.Value!, ApiJsonContext.Default.WebhookResponse,
                (HeaderNames.Location, $"{req.PathBase.Value}/api/{Routes.Webhooks}/{outcome.Value!.Webhook.Id}"));
        }, cancellationToken), cancellationToken);

    [Function("ListWebhooks")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Webhooks)] HttpRequest req,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.ManageWebhooks, Operation,
        async caller => Answer(await service.ListAsync(caller, cancellationToken), req, ApiJsonContext.Default.WebhookListResponse), cancellationToken);

    [Function("ReadWebhook")]
    public Task<IActionResult> Read(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Webhook)] HttpRequest req,
        string webhookId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.ManageWebhooks, Operation,
        async caller => Answer(await service.GetAsync(caller, webhookId, cancellationToken), req), cancellationToken);

    [Function("UpdateWebhook")]
    public Task<IActionResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Routes.Webhook)] HttpRequest req,
        string webhookId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.ManageWebhooks, Operation,
        caller => WithBodyAsync(req, async body => Answer(await service.UpdateAsync(caller, webhookId, body, cancellationToken), req), cancellationToken),
        cancellationToken);

    [Function("DeleteWebhook")]
    public Task<IActionResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Webhook)] HttpRequest req,
        string webhookId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.ManageWebhooks, Operation,
        async caller => Answer(await service.DeleteAsync(caller, webhookId, cancellationToken), req), cancellationToken);

    [Function("PauseWebhook")]
    public Task<IActionResult> Pause(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.WebhookPause)] HttpRequest req,
        string webhookId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.ManageWebhooks, Operation,
        async caller => Answer(await service.SetPausedAsync(caller, webhookId, paused: true, cancellationToken), req), cancellationToken);

    [Function("ResumeWebhook")]
    public Task<IActionResult> Resume(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.WebhookResume)] HttpRequest req,
        string webhookId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.ManageWebhooks, Operation,
        async caller => Answer(await service.SetPausedAsync(caller, webhookId, paused: false, cancellationToken), req), cancellationToken);

    [Function("RotateWebhookSecret")]
    public Task<IActionResult> RotateSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.WebhookRotateSecret)] HttpRequest req,
        string webhookId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.ManageWebhooks, Operation,
        async caller => Answer(await service.RotateSecretAsync(caller, webhookId, cancellationToken), req), cancellationToken);

    [Function("ListWebhookAttempts")]
    public Task<IActionResult> ListAttempts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.WebhookAttempts)] HttpRequest req,
        string webhookId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.ManageWebhooks, Operation,
        async caller => Answer(await service.ListAttemptsAsync(caller, webhookId, req.Query, cancellationToken), req, ApiJsonContext.Default.WebhookAttemptListResponse),
        cancellationToken);

    [Function("RedeliverWebhookEvents")]
    public Task<IActionResult> Redeliver(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.WebhookRedeliver)] HttpRequest req,
        string webhookId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.ManageWebhooks, Operation,
        caller => WithBodyAsync(req, async body => Answer(await service.RedeliverAsync(caller, webhookId, body, cancellationToken), req), cancellationToken),
        cancellationToken);

    /// <summary>
    /// Reads the JSON body before the service runs: its framing, type and size answer 400, 408, 413, 415 for every
    /// operation alike, before the admin check.
    /// </summary>
    private async Task<IActionResult> WithBodyAsync(HttpRequest req, Func<System.Text.Json.JsonElement, Task<IActionResult>> answer, CancellationToken cancellationToken)
    {
        var body = await bodies.ReadAsync(req.Body, req.ContentLength, req.ContentType, cancellationToken);
        if (body.Error is not null) return HttpResults.Error(body.Error, req);
        using var document = body.Value!;
        return await answer(document.RootElement);
    }

    private static IActionResult Answer(Outcome<WebhookResponse> outcome, HttpRequest req) => Answer(outcome, req, ApiJsonContext.Default.WebhookResponse);

    private static IActionResult Answer<T>(Outcome<T> outcome, HttpRequest req, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        outcome.Error is not null ? HttpResults.Error(outcome.Error, req) : HttpResults.Json(200, outcome.Value!, typeInfo);
}
