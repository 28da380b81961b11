using System.Text.Json.Serialization;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Api;

/// <summary>A subscription as the API answers it: never its secrets (only create and rotate show the new one, once).</summary>
public sealed record WebhookView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("eventTypes")] IReadOnlyList<string> EventTypes,
    [property: JsonPropertyName("teamIds")] IReadOnlyList<string> TeamIds,
    [property: JsonPropertyName("includeData")] bool IncludeData,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("createdAt")] string CreatedAt,
    [property: JsonPropertyName("updatedAt")] string UpdatedAt,
    [property: JsonPropertyName("secretsLive")] int SecretsLive,
    [property: JsonPropertyName("delivery")] WebhookDeliveryView Delivery)
{
    public static WebhookView Of(WebhookSubscription s, DateTimeOffset now) => new(s.Id, s.Url, s.Description, s.EventTypes, s.TeamIds,
        s.IncludeData, s.Status, s.CreatedAt, s.UpdatedAt, WebhookSecrets.LiveAt(s, now).Count,
        new WebhookDeliveryView(s.Delivery.Attempts, s.Delivery.NextAttemptAt, s.Delivery.FailingSince, s.Delivery.LastError));
}

/// <summary>Where delivery stands: failed attempts of the next event, when the next is due, since when the endpoint fails, the last error.</summary>
public sealed record WebhookDeliveryView(
    [property: JsonPropertyName("failedAttempts")] int FailedAttempts,
    [property: JsonPropertyName("nextAttemptAt")] string? NextAttemptAt,
    [property: JsonPropertyName("failingSince")] string? FailingSince,
    [property: JsonPropertyName("lastError")] string? LastError);

/// <summary>One subscription; <c>secret</c> only in the answers to create and rotate (shown once, never again).</summary>
public sealed record WebhookResponse(
    [property: JsonPropertyName("webhook")] WebhookView Webhook,
    [property: JsonPropertyName("secret"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-2)] public bool Success => true;
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status { get; init; } = 200;
}

public sealed record WebhookListResponse([property: JsonPropertyName("webhooks")] IReadOnlyList<WebhookView> Webhooks)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-2)] public bool Success => true;
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status => 200;
}

/// <summary>One attempt of the delivery log, as the API answers it.</summary>
public sealed record WebhookAttemptView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("eventId")] string EventId,
    [property: JsonPropertyName("eventType")] string EventType,
    [property: JsonPropertyName("attemptedAt")] string AttemptedAt,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("status")] int? Status,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("latencyMs")] long LatencyMs,
    [property: JsonPropertyName("response")] string? Response)
{
    public static WebhookAttemptView Of(WebhookAttempt a) =>
        new(a.Id, a.EventId, a.EventType, a.AttemptedAt, a.Success, a.Status, a.Error, a.LatencyMs, a.Response);
}

/// <summary>A page of a subscription's delivery log, newest first; <c>next</c> continues it (null at the end).</summary>
public sealed record WebhookAttemptListResponse(
    [property: JsonPropertyName("attempts")] IReadOnlyList<WebhookAttemptView> Attempts,
    [property: JsonPropertyName("next")] string? Next)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-2)] public bool Success => true;
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status => 200;
}
