using System.Text.Json;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Tickets;

/// <summary>The create request as the function read it.</summary>
public sealed record CreateTicketRequest(RequestHeaders Headers, string TeamId, string ItemTypeId, string? CatalogType, string? Module, Stream Body, long? ContentLength = null);

/// <summary>Creates tickets, applying the contract's checks in its order: the first failure wins.</summary>
public sealed class CreateTicketService(TenantGate gate, JsonBodyReader bodies, ITicketStore store, TimeProvider time, ILogger<CreateTicketService> logger)
{
    public static readonly IReadOnlyList<string> CatalogTypes = ["template", "agent", "user"];

    public async Task<Outcome<Ticket>> CreateAsync(Caller caller, CreateTicketRequest request, CancellationToken cancellationToken)
    {
        var requestErrors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(request.CatalogType)) requestErrors.Add("type", "Query parameter type is required");
        else if (!CatalogTypes.Contains(request.CatalogType, StringComparer.Ordinal))
            requestErrors.Add("type", $"Query parameter type must be one of: {string.Join(", ", CatalogTypes)}");
        if (string.IsNullOrWhiteSpace(request.Module)) requestErrors.Add("module", "Query parameter module is required");

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["TenantId"] = caller.TenantId ?? "" });
        var entered = await gate.EnterAsync(caller, request.Headers, requestErrors, cancellationToken);
        if (entered.Error is not null) return entered.Error;
        var catalog = entered.Value!;

        if (!Permissions.CanWrite(caller)) return ApiError.PermissionDenied("create ticket");

        var type = catalog.FindType(request.ItemTypeId);
        if (!catalog.HasTeam(request.TeamId)) return ApiError.RouteTargetNotFound($"Team {request.TeamId} not found");
        if (type is null) return ApiError.RouteTargetNotFound($"Item type {request.ItemTypeId} not found");

        if (!Permissions.CanUseTeam(caller, request.TeamId) || !Permissions.CanUseTicketType(caller, type)) return ApiError.Forbidden;

        var read = await bodies.ReadAsync(request.Body, request.ContentLength, cancellationToken);
        if (read.Error is not null) return read.Error;
        var errors = new ValidationErrors();
        ValidatedTicket? validated;
        using (var body = read.Value!)
            validated = TicketValidator.Validate(body.RootElement, catalog, type, errors, bodies.Limits.MaxTicketBodyKeys);
        if (validated is null) return ApiError.Invalid(errors);

        try
        {
            var number = await store.NextDisplayNumberAsync(caller.TenantId!, type.Prefix, cancellationToken);
            var context = new CreateTicketContext(request.TeamId, type.Id, request.CatalogType!, request.Module!, request.Headers.SupportRequest);
            var ticket = TicketFactory.Create(validated, context, type, caller, number, time.GetUtcNow());
            await store.CreateTicketAsync(ticket, cancellationToken);
            using var created = logger.BeginScope(new Dictionary<string, object> { ["ObjectId"] = ticket.ObjectId });
            logger.LogInformation("Created ticket {ObjectId} of type {ItemTypeId} for team {TeamId}", ticket.ObjectId, type.Id, request.TeamId);
            return ticket;
        }
        catch (StoreUnavailableException ex)
        {
            logger.LogWarning("Store unavailable while creating a ticket; retry after {RetryAfter}", ex.RetryAfter);
            return ApiError.Unavailable(ex.RetryAfter);
        }
    }
}
