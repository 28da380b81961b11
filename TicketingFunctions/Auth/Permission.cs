namespace TicketingFunctions.Auth;

/// <summary>What an operation needs of its caller before anything of the tenant is looked at (<see cref="Permissions.Allows"/>).</summary>
public enum Permission
{
    /// <summary>Read scope (or write scope): <see cref="Permissions.CanRead"/>.</summary>
    Read,
    /// <summary>Write scope and a write role: <see cref="Permissions.CanWrite"/>.</summary>
    Write,
    /// <summary>Write scope and <c>ticket_agent</c> or <c>tenant_admin</c>: <see cref="Permissions.CanDelete"/>.</summary>
    Delete,
    /// <summary>Write scope and <c>ticket_agent</c> or <c>tenant_admin</c>: <see cref="Permissions.CanMove"/>.</summary>
    Move,
    /// <summary>Write scope and <c>tenant_admin</c>: <see cref="Permissions.CanRedactComment"/>.</summary>
    Redact,
    /// <summary>
    /// Write scope, for every webhook subscription operation (reads too: they show where the tenant's events go); the
    /// service then requires <c>tenant_admin</c> (403): <see cref="Permissions.CanManageWebhooks"/>.
    /// </summary>
    ManageWebhooks,
}
