using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Services;

/// <summary>An existing ticket the caller may use, with its tenant's catalog and its ticket type.</summary>
public sealed record TicketAccess(CatalogIndex Catalog, Ticket Ticket, TicketType Type);

/// <summary>
/// The checks every operation on an existing ticket shares, after the request pipeline's (token, headers, tenant,
/// permission), in the contract's order: ticket 404 (missing, another tenant's, or deleted) → team and ticket type 403 →
/// 308 for a tombstone (a ticket moved to another type), to its newest successor. Every operation on an existing ticket
/// opens it here, so none of them can act on a tombstone.
/// </summary>
public sealed class TicketAccessor(ITicketStore store)
{
    /// <summary>How many moves a 308 follows to find the newest successor; a longer chain answers the successor found there.</summary>
    public const int MaxMoveChain = 16;

    /// <summary>
    /// The ticket, if the caller may use it. <paramref name="openTombstone"/> is for the move itself only: it gets a
    /// tombstone rather than its 308 (to answer a retried move with the successor it made).
    /// </summary>
    public async Task<Outcome<TicketAccess>> OpenAsync(CheckedCaller checkedCaller, string objectId, CancellationToken cancellationToken,
        bool includeDeleted = false, bool openTombstone = false)
    {
        var (caller, catalog, _) = checkedCaller;
        // Only the caller's own partition is ever read: another tenant's ticket is simply not there.
        var ticket = string.IsNullOrEmpty(objectId) ? null : await store.GetTicketAsync(caller.TenantId!, objectId, cancellationToken);
        if (ticket is null || !string.Equals(ticket.TenantId, caller.TenantId, StringComparison.Ordinal)) return ApiError.TicketNotFound;
        // A deleted ticket is gone for everyone but a tenant admin who asks for it.
        if (IsDeleted(ticket) && !(includeDeleted && Permissions.CanSeeDeleted(caller))) return ApiError.TicketNotFound;

        if (!Permissions.CanUseTeam(caller, ticket.LookupProps.TeamId)) return ApiError.ForbiddenTeam(ticket.LookupProps.TeamId);
        var type = catalog.FindType(ticket.LookupProps.ItemTypeId);
        if (type is null)
        {
            // The type left the catalog: only a tenant admin may still open the ticket (its fields are then unknown).
            if (!Permissions.CanUseRetiredTicketType(caller)) return ApiError.ForbiddenRemovedType(ticket.LookupProps.ItemTypeId);
            type = new TicketType(ticket.LookupProps.ItemTypeId, ticket.LookupProps.ItemTypeId, "", [], null, []).Effective();
        }
        else if (!Permissions.CanUseTicketType(caller, type.AllowedRoles)) return ApiError.ForbiddenType(ticket.LookupProps.ItemTypeId);

        if (ticket.MovedTo is not null && !openTombstone) return ApiError.Moved(ticket.ObjectId, await NewestSuccessorAsync(ticket, cancellationToken));
        return new TicketAccess(catalog, ticket, type);
    }

    /// <summary>
    /// The display id at the end of the tombstone's chain of moves (a ticket moved twice is two tombstones): read one
    /// successor at a time, in the tenant's partition, at most <see cref="MaxMoveChain"/> of them.
    /// </summary>
    public async Task<string> NewestSuccessorAsync(Ticket tombstone, CancellationToken cancellationToken)
    {
        var newest = tombstone.MovedTo!;
        for (var hop = 1; hop < MaxMoveChain; hop++)
        {
            var next = await store.GetTicketAsync(tombstone.TenantId, newest, cancellationToken);
            if (next?.MovedTo is null) break;
            newest = next.MovedTo;
        }
        return newest;
    }

    public static bool IsDeleted(Ticket ticket) => ticket.DeletedSeq >= 0;

    /// <summary>Whether the caller could read this (not deleted) ticket: its team and ticket type, as <see cref="OpenAsync"/> checks them.</summary>
    public static bool CanRead(Caller caller, CatalogIndex catalog, Ticket ticket)
    {
        if (IsDeleted(ticket) || !Permissions.CanRead(caller) || !Permissions.CanUseTeam(caller, ticket.LookupProps.TeamId)) return false;
        var type = catalog.FindType(ticket.LookupProps.ItemTypeId);
        return type is null ? Permissions.CanUseRetiredTicketType(caller) : Permissions.CanUseTicketType(caller, type.AllowedRoles);
    }
}
