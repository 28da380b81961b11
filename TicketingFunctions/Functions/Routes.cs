namespace TicketingFunctions.Functions;

/// <summary>Routes, relative to host.json's routePrefix ("api"). Declared once and used by the attributes.</summary>
public static class Routes
{
    public const string CreateTicket = "v2/ticketing/ticket/create/{teamId}/{itemTypeId}";
    public const string TicketTypes = "v2/ticketing/ticket-type";
    public const string Offers = "v2/ticketing/tenant/sc/offers";
    /// <summary>
    /// A ticket by display id. The constraint keeps <see cref="TicketList"/>'s literal "list" out of it: ASP.NET Core
    /// prefers the literal route anyway, but the Functions host orders routes by function name, so without it
    /// GET ticket/list could reach this function there.
    /// </summary>
    public const string Ticket = "v2/ticketing/ticket/{objectId:regex(^(?!list$))}";
    /// <summary>The part of <see cref="Ticket"/> before the display id, for Location headers.</summary>
    public const string TicketPrefix = "v2/ticketing/ticket/";
    public const string TicketList = "v2/ticketing/ticket/list";
    public const string OpenApiYaml = "openapi.yaml";
    public const string OpenApiJson = "openapi.json";
    public const string ApiDocs = "docs";
    public const string ApiDocsAsset = "docs/{asset}";
    public const string Health = "health";
    public const string HealthReady = "health/ready";
    public const string UpdateTicket = "v2/ticketing/ticket/update/{objectId}";
    public const string TicketComments = "v2/ticketing/ticket/{objectId}/comments";
    public const string TicketComment = "v2/ticketing/ticket/{objectId}/comments/{commentId}";
    public const string RedactTicketComment = "v2/ticketing/ticket/{objectId}/comments/{commentId}/redact";
    public const string TicketHistory = "v2/ticketing/ticket/{objectId}/history";
    public const string MoveTicket = "v2/ticketing/ticket/{objectId}/move";
    public const string UploadAttachment = "v2/ticketing/attachment";
    public const string Events = "v2/ticketing/events";
    public const string Webhooks = "v2/ticketing/webhooks";
    public const string Webhook = "v2/ticketing/webhooks/{webhookId}";
    public const string WebhookPause = "v2/ticketing/webhooks/{webhookId}/pause";
    public const string WebhookResume = "v2/ticketing/webhooks/{webhookId}/resume";
    public const string WebhookRotateSecret = "v2/ticketing/webhooks/{webhookId}/rotate-secret";
    public const string WebhookAttempts = "v2/ticketing/webhooks/{webhookId}/attempts";
    public const string WebhookRedeliver = "v2/ticketing/webhooks/{webhookId}/redeliver";
    public const string TicketAttachment = "v2/ticketing/ticket/{objectId}/attachment/{attachmentId}";
}
