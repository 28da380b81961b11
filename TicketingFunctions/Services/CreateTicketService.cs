using System.Text.Json;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Api;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Services;

/// <summary>The create request as the function read it (<see cref="CreateTicketService.Check"/> checks its query and Idempotency-Key).</summary>
public sealed record CreateTicketRequest(string TeamId, string ItemTypeId, string? CatalogType, string? Module, Stream Body,
    long? ContentLength = null, string? IdempotencyKey = null, string? ContentType = null);

/// <summary>A created ticket, or the first response's ticket replayed for a repeated Idempotency-Key.</summary>
public sealed record CreatedTicket(Ticket Ticket, bool Replayed);

/// <summary>
/// Creates tickets, after the request pipeline's checks (token, headers and <see cref="Check"/>'s query, tenant, write
/// permission), in the contract's order, the first failure winning: team and item type 404 → team and type 403 → body.
/// </summary>
public sealed partial class CreateTicketService(JsonBodyReader bodies, ITicketStore store, IAttachmentStore attachments, TimeProvider time,
    ILogger<CreateTicketService> logger)
{
    public static readonly IReadOnlyList<string> CatalogTypes = ["template", "agent", "user"];

    /// <summary>The query parameters and Idempotency-Key, checked with the headers (one 400 for all of them).</summary>
    public static CreateTicketRequest Check(CreateTicketRequest request, Caller caller, ValidationErrors requestErrors)
    {
        if (string.IsNullOrWhiteSpace(request.CatalogType)) requestErrors.Add("type", "Query parameter type is required");
        else if (!CatalogTypes.Contains(request.CatalogType, StringComparer.Ordinal))
            requestErrors.Add("type", $"Query parameter type must be one of: {string.Join(", ", CatalogTypes)}");
        if (string.IsNullOrWhiteSpace(request.Module)) requestErrors.Add("module", "Query parameter module is required");
        else if (!IsModuleName(request.Module))
            requestErrors.Add("module", $"Query parameter module must be 1 to {MaxModuleLength} characters of A-Z, a-z, 0-9, _ and -");
        IdempotencyKeys.CheckHeader(request.IdempotencyKey, caller, requestErrors);
        return request;
    }

    public async Task<Outcome<CreatedTicket>> CreateAsync(CheckedCaller checkedCaller, CreateTicketRequest request, CancellationToken cancellationToken)
    {
        var (caller, catalog, headers) = checkedCaller;
        var type = catalog.FindType(request.ItemTypeId);
        if (!catalog.HasTeam(request.TeamId)) return ApiError.RouteTargetNotFound($"Team {request.TeamId} not found");
        if (type is null) return ApiError.RouteTargetNotFound($"Item type {request.ItemTypeId} not found");

        if (!Permissions.CanUseTeam(caller, request.TeamId)) return ApiError.ForbiddenTeam(request.TeamId);
        if (!Permissions.CanUseTicketType(caller, type.AllowedRoles)) return ApiError.ForbiddenType(type.Id);

        var read = await bodies.ReadAsync(request.Body, request.ContentLength, request.ContentType, cancellationToken);
        if (read.Error is not null) return read.Error;
        var errors = new ValidationErrors();
        ValidatedTicket? validated;
        string? requestHash = null;
        using (var body = read.Value!)
        {
            validated = TicketValidator.Validate(body.RootElement, catalog, type, errors, bodies.Limits.MaxTicketBodyKeys);
            if (validated is not null && request.IdempotencyKey is not null)
                requestHash = IdempotencyKeys.RequestHash(request, headers.SupportRequest, body.RootElement);
        }
        if (validated is null) return ApiError.Invalid(errors);

        IdempotencyRecord? claim = null;
        if (request.IdempotencyKey is not null)
        {
            var now = time.GetUtcNow();
            claim = IdempotencyKeys.PendingClaim(IdempotencyKeys.RecordId(caller, request.IdempotencyKey), caller.TenantId!, requestHash!, now);
            var existing = await store.ClaimIdempotencyKeyAsync(claim, IdempotencyKeys.CanTakeOver(now), cancellationToken);
            if (existing is not null)
            {
                if (existing.RequestHash != claim.RequestHash) return ApiError.IdempotencyKeyReused;
                if (existing is { State: IdempotencyRecord.Completed, Ticket: { } first })
                {
                    logger.LogInformation("Replayed ticket {ObjectId} for a repeated idempotency key", first.ObjectId);
                    return new CreatedTicket(SlaClocks.Observe(first, time.GetUtcNow()), Replayed: true);
                }
                return ApiError.IdempotencyInProgress;
            }
        }

        Ticket ticket;
        try
        {
            // After the idempotency claim: a replay must not re-check uploads the first request already linked.
            var toLink = new List<string>();
            var linked = await TicketLinks.ResolveForCreateAsync(store, attachments, caller, catalog, validated, time.GetUtcNow(), errors, toLink,
                cancellationToken);
            if (linked is null)
            {
                if (claim is not null) await ReleaseAsync(claim);
                return ApiError.Invalid(errors);
            }
            var number = await store.NextDisplayNumberAsync(caller.TenantId!, type.Prefix, cancellationToken);
            var context = new CreateTicketContext(request.TeamId, type.Id, request.CatalogType!, request.Module!, headers.SupportRequest);
            ticket = TicketFactory.Create(linked, context, type, caller, number, time.GetUtcNow());
            // Linked before the ticket is written, so a ticket never names an upload that could still be swept.
            if (!await TicketLinks.LinkAttachmentsAsync(attachments, ticket.TenantId, ticket.Id, toLink, errors, cancellationToken))
            {
                if (claim is not null) await ReleaseAsync(claim);
                return ApiError.Invalid(errors);
            }
            // The key's completed record goes with the ticket: one commit where the store can make it one.
            if (claim is null) await store.CreateTicketAsync(ticket, cancellationToken);
            else await store.CreateTicketWithKeyAsync(ticket, claim with { State = IdempotencyRecord.Completed, Ticket = ticket }, cancellationToken);
        }
        catch when (claim is not null)
        {
            await ReleaseAsync(claim);
            throw;
        }

        using var created = logger.BeginScope(new LogScope("ObjectId", ticket.ObjectId));
        LogCreated(logger, ticket.ObjectId, type.Id, request.TeamId);
        return new CreatedTicket(SlaClocks.Observe(ticket, time.GetUtcNow()), Replayed: false);
    }

    public const int MaxModuleLength = 64;

    private static bool IsModuleName(string module) =>
        module.Length <= MaxModuleLength && module.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    // The create failed: free the key so the client's retry can succeed. If even that fails, the claim
    // is taken over once it has been pending longer than IdempotencyKeys.PendingTimeout.
    private async Task ReleaseAsync(IdempotencyRecord claim)
    {
        try { await store.ReleaseIdempotencyKeyAsync(claim.TenantId, claim.Id, CancellationToken.None); }
        catch (Exception ex) { logger.LogWarning("Could not release an idempotency key after a failed create: {ExceptionType}", ex.GetType().Name); }
    }

    // Source-generated: no argument array or boxed state per create, and nothing at all when the level is off.
    [LoggerMessage(Level = LogLevel.Information, Message = "Created ticket {ObjectId} of type {ItemTypeId} for team {TeamId}")]
    private static partial void LogCreated(ILogger logger, string objectId, string itemTypeId, string teamId);
}
