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
    /// <summary>The identity recorded as <c>submittedBy</c>: the email, else the username.</summary>
    public string SubmittedBy => string.IsNullOrEmpty(Email) ? Username : Email;
}
