namespace TicketingFunctions.Auth;

/// <summary>Who is calling, as proven by a validated token. <see cref="TenantId"/> is the only source of the partition key.</summary>
public sealed record Caller(
    string? TenantId,
    string Realm,
    string Username,
    string? Email,
    string? FirstName,
    string? LastName,
    IReadOnlySet<string> Roles,
    IReadOnlySet<string> Scopes,
    IReadOnlySet<string> Teams)
{
    /// <summary>The validated token's <c>iss</c>.</summary>
    public string? Issuer { get; init; }

    /// <summary>The validated token's subject: <c>sub</c> (for an Entra ID application, its <c>sub</c>, else <c>oid</c>).</summary>
    public string? Subject { get; init; }

    /// <summary>A name for an application, which has no email: an Entra ID client's configured display name, else its id.</summary>
    public string? DisplayName { get; init; }

    /// <summary>
    /// An Entra ID application with a valid token that no <c>Auth__Entra__Clients__*</c> entry maps to a tenant: it is
    /// refused with 401 USER_PERMISSION_FAILURE before any tenant is looked at.
    /// </summary>
    public bool IsUnmappedApplication { get; init; }

    /// <summary>The identity recorded as <c>submittedBy</c>: the email, else the display name, else the username.</summary>
    public string SubmittedBy => !string.IsNullOrEmpty(Email) ? Email : DisplayName ?? Username;
}
