using TicketingFunctions.Catalog;

namespace TicketingFunctions.Auth;

/// <summary>The product's authorization rules, in one place.</summary>
public static class Permissions
{
    public const string ReadScope = "tickets:read";
    public const string WriteScope = "tickets:write";
    public const string TenantAdmin = "tenant_admin";
    public const string TicketAgent = "ticket_agent";

    /// <summary>Realm roles that may create and update tickets.</summary>
    public static readonly IReadOnlyList<string> WriteRoles = ["ticket_agent", "ticket_user", TenantAdmin];

    public static bool CanRead(Caller caller) =>
        caller.Scopes.Contains(ReadScope) || caller.Scopes.Contains(WriteScope);

    /// <summary>Writing needs both the scope and a write role: a service account with the scope alone is refused.</summary>
    public static bool CanWrite(Caller caller) =>
        caller.Scopes.Contains(WriteScope) && HasAny(caller.Roles, WriteRoles);

    /// <summary>Realm roles that may delete tickets.</summary>
    public static readonly IReadOnlyList<string> DeleteRoles = ["ticket_agent", TenantAdmin];

    /// <summary>Deleting needs the write scope and an agent or admin role: a ticket's requester can't make it vanish.</summary>
    public static bool CanDelete(Caller caller) =>
        caller.Scopes.Contains(WriteScope) && HasAny(caller.Roles, DeleteRoles);

    /// <summary>Setting or clearing a ticket's assignee is for agents and tenant admins only.</summary>
    public static bool CanAssign(Caller caller) =>
        caller.Roles.Contains(TicketAgent) || caller.Roles.Contains(TenantAdmin);

    public static bool CanUseTeam(Caller caller, string teamId) =>
        caller.Roles.Contains(TenantAdmin) || caller.Teams.Contains(teamId);

    public static bool CanUseTicketType(Caller caller, TicketType type) =>
        caller.Roles.Contains(TenantAdmin) || HasAny(caller.Roles, type.AllowedRoles);

    // A loop rather than roles.Any(set.Contains): no delegate per call on every request.
    private static bool HasAny(IReadOnlySet<string> set, IReadOnlyList<string> roles)
    {
        for (var i = 0; i < roles.Count; i++)
            if (set.Contains(roles[i])) return true;
        return false;
    }
}
