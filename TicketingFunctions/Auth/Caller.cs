namespace TicketingFunctions.Auth;

/// <summary>Who is calling, as proven by a validated token. <see cref="TenantId"/> is the only source of the partition key.</summary>
/// <param name="TenantId">The token's tenant, in canonical lower-case UUID form when it is a UUID.</param>
/// <param name="Issuer">The validated token's <c>iss</c>.</param>
/// <param name="Subject">The validated token's <c>sub</c>: with <see cref="Issuer"/>, the caller's stable identity
/// (a username or email can change, or be shared). Null when the token has none.</param>
public sealed record Caller(
    string? TenantId,
    string Realm,
    string Username,
    string? Email,
    string? FirstName,
    string? LastName,
    IReadOnlySet<string> Roles,
    IReadOnlySet<string> Scopes,
    IReadOnlySet<string> Teams,
    string? Issuer = null,
    string? Subject = null)
{
    /// <summary>A name for an application, which has no email: an Entra ID client's configured display name, else its id.</summary>
    public string? DisplayName { get; init; }

    /// <summary>
    /// An Entra ID application with a valid token that no <c>Auth__Entra__Clients__*</c> entry maps to a tenant: it is
    /// refused with 401 USER_PERMISSION_FAILURE before any tenant is looked at.
    /// </summary>
    public bool IsUnmappedApplication { get; init; }

    /// <summary>An Entra ID application (or managed identity) that an <c>Auth__Entra__Clients__*</c> entry maps to a tenant.</summary>
    public bool IsMappedApplication { get; init; }

    /// <summary>Issuer and subject: the only thing compared where "the same caller" matters.</summary>
    public CallerIdentity Identity => CallerIdentity.Of(this);

    /// <summary>The identity recorded as <c>submittedBy</c>: the email, else the display name, else the username.</summary>
    public string SubmittedBy => !string.IsNullOrEmpty(Email) ? Email : DisplayName ?? Username;
}
