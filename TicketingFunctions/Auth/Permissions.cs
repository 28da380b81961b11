namespace TicketingFunctions.Auth;

/// <summary>
/// The product's authorization rules, in one place, each by name: no other code reads a role to decide what a caller
/// may do (a test scans for it). An Entra ID application gets its roles from its mapping, so the same rules apply.
/// </summary>
public static class Permissions
{
    public const string ReadScope = "tickets:read";
    public const string WriteScope = "tickets:write";
    public const string TenantAdmin = "tenant_admin";
    public const string TicketAgent = "ticket_agent";
    public const string TicketUser = "ticket_user";

    /// <summary>Realm roles that may create and update tickets.</summary>
    public static readonly IReadOnlyList<string> WriteRoles = [TicketAgent, TicketUser, TenantAdmin];

    /// <summary>Realm roles that may delete tickets.</summary>
    public static readonly IReadOnlyList<string> DeleteRoles = [TicketAgent, TenantAdmin];

    /// <summary>The agents' roles: those who work a queue (assign, write internal notes).</summary>
    public static readonly IReadOnlyList<string> AgentRoles = [TicketAgent, TenantAdmin];

    /// <summary>Whether the caller has what <paramref name="permission"/> names.</summary>
    public static bool Allows(Caller caller, Permission permission) => permission switch
    {
        Permission.Read => CanRead(caller),
        Permission.Write => CanWrite(caller),
        Permission.Delete => CanDelete(caller),
        Permission.Move => CanMove(caller),
        Permission.Redact => caller.Scopes.Contains(WriteScope) && CanRedactComment(caller),
        Permission.ManageWebhooks => caller.Scopes.Contains(WriteScope),
        _ => false,
    };

    public static bool CanRead(Caller caller) =>
        caller.Scopes.Contains(ReadScope) || caller.Scopes.Contains(WriteScope);

    /// <summary>Writing needs both the scope and a write role: a service account with the scope alone is refused.</summary>
    public static bool CanWrite(Caller caller) =>
        caller.Scopes.Contains(WriteScope) && HasAny(caller.Roles, WriteRoles);

    /// <summary>Deleting needs the write scope and an agent or admin role: a ticket's requester can't make it vanish.</summary>
    public static bool CanDelete(Caller caller) =>
        caller.Scopes.Contains(WriteScope) && HasAny(caller.Roles, DeleteRoles);

    /// <summary>
    /// Moving a ticket to another team or ticket type is queue work: the write scope and an agent or admin role (the
    /// caller must also be able to use both teams and both types, checked per ticket).
    /// </summary>
    public static bool CanMove(Caller caller) =>
        caller.Scopes.Contains(WriteScope) && HasAny(caller.Roles, AgentRoles);

    /// <summary>
    /// The tenant's event feed tells of every ticket of every team, deleted ones included: for tenant admins and for
    /// mapped Entra ID applications (integrations), with the read scope, and nobody else.
    /// </summary>
    public static bool CanReadEvents(Caller caller) =>
        CanRead(caller) && (IsTenantAdmin(caller) || caller.IsMappedApplication);

    /// <summary>
    /// Webhook subscriptions send every team's events, deleted tickets included, to a URL of the caller's choice: for
    /// tenant admins with the write scope only, reads included (they show where the events go).
    /// </summary>
    public static bool CanManageWebhooks(Caller caller) => caller.Scopes.Contains(WriteScope) && IsTenantAdmin(caller);

    /// <summary>Setting or clearing a ticket's assignee is for agents and tenant admins only.</summary>
    public static bool CanAssign(Caller caller) => HasAny(caller.Roles, AgentRoles);

    /// <summary>Writing an internal note (seen by agents only) is for agents and tenant admins, as assigning is.</summary>
    public static bool CanWriteInternal(Caller caller) => HasAny(caller.Roles, AgentRoles);

    /// <summary>Reading internal notes is for the same callers as writing them: a requester sees public comments only.</summary>
    public static bool CanReadInternal(Caller caller) => CanWriteInternal(caller);

    /// <summary>An agent's public comment is the ticket's first response (an SLA clock that stops at the first public reply).</summary>
    public static bool IsAgent(Caller caller) => HasAny(caller.Roles, AgentRoles);

    /// <summary>Redacting a comment (its text replaced, who and when kept) is for tenant admins only.</summary>
    public static bool CanRedactComment(Caller caller) => IsTenantAdmin(caller);

    /// <summary>Deleted tickets (read with includeDeleted, listed, or paged by deletedSince) are for tenant admins only.</summary>
    public static bool CanSeeDeleted(Caller caller) => IsTenantAdmin(caller);

    /// <summary>Every team's and every ticket type's tickets, without a filter: a tenant admin's view.</summary>
    public static bool CanSeeWholeTenant(Caller caller) => IsTenantAdmin(caller);

    /// <summary>A ticket whose type has left the catalog (its fields unknown) may still be opened by a tenant admin.</summary>
    public static bool CanUseRetiredTicketType(Caller caller) => IsTenantAdmin(caller);

    public static bool CanUseTeam(Caller caller, string teamId) =>
        IsTenantAdmin(caller) || caller.Teams.Contains(teamId);

    /// <summary>A ticket type is for the roles it allows (its <c>allowedRoles</c> in the catalog) and for tenant admins.</summary>
    public static bool CanUseTicketType(Caller caller, IReadOnlyList<string> typeAllowedRoles) =>
        IsTenantAdmin(caller) || HasAny(caller.Roles, typeAllowedRoles);

    private static bool IsTenantAdmin(Caller caller) => caller.Roles.Contains(TenantAdmin);

    // A loop rather than roles.Any(set.Contains): no delegate per call on every request.
    private static bool HasAny(IReadOnlySet<string> set, IReadOnlyList<string> roles)
    {
        for (var i = 0; i < roles.Count; i++)
            if (set.Contains(roles[i])) return true;
        return false;
    }
}
