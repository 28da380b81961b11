using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tickets.Listing;

/// <summary>
/// Which tickets a caller may read, as listing filters: the rules of reading one ticket
/// (<see cref="Permissions.CanUseTeam"/>, <see cref="Permissions.CanUseTicketType"/>) turned into sets. A ticket is
/// readable when its team is one of the token's teams and its type is a catalog type allowing one of the caller's
/// roles; a tenant admin may read every ticket of the tenant, including those whose type has left the catalog.
/// </summary>
public static class TicketVisibility
{
    /// <summary>
    /// The team filter: the requested teams the caller may read (all requested, for an admin), or the caller's teams
    /// when none was requested; null when any team will do (an admin who asked for none).
    /// </summary>
    public static AnyOfFilter? Teams(Caller caller, IReadOnlyList<string> requested)
    {
        if (Permissions.CanSeeWholeTenant(caller)) return requested.Count == 0 ? null : new AnyOfFilter(TicketField.TeamId, requested);
        var visible = requested.Count == 0 ? caller.Teams : requested.Where(t => Permissions.CanUseTeam(caller, t));
        return new AnyOfFilter(TicketField.TeamId, visible);
    }

    /// <summary>The type filter, in the same way: the catalog's types the caller's roles allow.</summary>
    public static AnyOfFilter? Types(Caller caller, CatalogIndex catalog, IReadOnlyList<string> requested)
    {
        if (Permissions.CanSeeWholeTenant(caller)) return requested.Count == 0 ? null : new AnyOfFilter(TicketField.ItemTypeId, requested);
        var allowed = (catalog.Catalog.TicketTypes ?? []).Where(t => Permissions.CanUseTicketType(caller, t.AllowedRoles)).Select(t => t.Id);
        var visible = requested.Count == 0 ? allowed : allowed.Intersect(requested, StringComparer.Ordinal);
        return new AnyOfFilter(TicketField.ItemTypeId, visible);
    }
}
