namespace TicketingFunctions.Functions;

/// <summary>Routes, relative to host.json's routePrefix ("api"). Declared once and used by the attributes.</summary>
public static class Routes
{
    public const string CreateTicket = "v2/ticketing/ticket/create/{teamId}/{itemTypeId}";
    public const string TicketTypes = "v2/ticketing/ticket-type";
    public const string Offers = "v2/ticketing/tenant/sc/offers";
    public const string Ticket = "v2/ticketing/ticket/{objectId}";
    public const string OpenApiYaml = "openapi.yaml";
    public const string OpenApiJson = "openapi.json";
    public const string UpdateTicket = "v2/ticketing/ticket/update/{objectId}";
    public const string TicketHistory = "v2/ticketing/ticket/{objectId}/history";
    public const string UploadAttachment = "v2/ticketing/attachment";
    public const string TicketAttachment = "v2/ticketing/ticket/{objectId}/attachment/{attachmentId}";
}
