using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Tickets;

/// <summary>What an operation on an existing ticket needs of the caller.</summary>
public enum TicketOperation
{
    /// <summary>Read scope (or write scope).</summary>
    Read,
    /// <summary>Write scope and a write role.</summary>
    Write,
    /// <summary>Write scope and <c>ticket_agent</c> or <c>tenant_admin</c>.</summary>
    Delete,
}

/// <summary>An existing ticket the caller may use, with its tenant's catalog and its ticket type.</summary>
public sealed record TicketAccess(CatalogIndex Catalog, Ticket Ticket, TicketType Type);

/// <summary>
/// The checks every operation on an existing ticket shares, in the contract's order: headers (and the query errors the
/// caller collected) 400 → tenant 404 → permission 401 → ticket 404 (missing, another tenant's, or deleted) → team and
/// ticket type 403.
/// </summary>
public sealed class TicketAccessor(TenantGate gate, ITicketStore store)
{
    public async Task<Outcome<TicketAccess>> OpenAsync(Caller caller, RequestHeaders headers, string objectId, TicketOperation operation,
        string operationName, CancellationToken cancellationToken, ValidationErrors? requestErrors = null, bool includeDeleted = false)
    {
        var entered = await gate.EnterAsync(caller, headers, requestErrors ?? new ValidationErrors(), cancellationToken);
        if (entered.Error is not null) return entered.Error;
        var catalog = entered.Value!;

        var permitted = operation switch
        {
            TicketOperation.Read => Permissions.CanRead(caller),
            TicketOperation.Write => Permissions.CanWrite(caller),
            _ => Permissions.CanDelete(caller),
        };
        if (!permitted) return ApiError.PermissionDenied(operationName);

        // Only the caller's own partition is ever read: another tenant's ticket is simply not there.
        var ticket = string.IsNullOrEmpty(objectId) ? null : await store.GetTicketAsync(caller.TenantId!, objectId, cancellationToken);
        if (ticket is null || !string.Equals(ticket.TenantId, caller.TenantId, StringComparison.Ordinal)) return ApiError.TicketNotFound;
        // A deleted ticket is gone for everyone but a tenant admin who asks for it.
        if (IsDeleted(ticket) && !(includeDeleted && caller.Roles.Contains(Permissions.TenantAdmin))) return ApiError.TicketNotFound;

        if (!Permissions.CanUseTeam(caller, ticket.LookupProps.TeamId)) return ApiError.ForbiddenTeam(ticket.LookupProps.TeamId);
        var type = catalog.FindType(ticket.LookupProps.ItemTypeId);
        if (type is null)
        {
            // The type left the catalog: only a tenant admin may still open the ticket (its fields are then unknown).
            if (!caller.Roles.Contains(Permissions.TenantAdmin)) return ApiError.ForbiddenRemovedType(ticket.LookupProps.ItemTypeId);
            type = new TicketType(ticket.LookupProps.ItemTypeId, ticket.LookupProps.ItemTypeId, "", [], null, []).Effective();
        }
        else if (!Permissions.CanUseTicketType(caller, type)) return ApiError.ForbiddenType(ticket.LookupProps.ItemTypeId);

        return new TicketAccess(catalog, ticket, type);
    }

    public static bool IsDeleted(Ticket ticket) => ticket.DeletedSeq >= 0;

    /// <summary>Whether the caller could read this (not deleted) ticket: its team and ticket type, as <see cref="OpenAsync"/> checks them.</summary>
    public static bool CanRead(Caller caller, CatalogIndex catalog, Ticket ticket)
    {
        if (IsDeleted(ticket) || !Permissions.CanRead(caller) || !Permissions.CanUseTeam(caller, ticket.LookupProps.TeamId)) return false;
        var type = catalog.FindType(ticket.LookupProps.ItemTypeId);
        return type is null ? caller.Roles.Contains(Permissions.TenantAdmin) : Permissions.CanUseTicketType(caller, type);
    }
}
