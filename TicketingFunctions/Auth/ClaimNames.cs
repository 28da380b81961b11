namespace TicketingFunctions.Auth;

/// <summary>Claims of a Keycloak-style realm token that the product reads.</summary>
public static class ClaimNames
{
    public const string TenantId = "tenant_id";
    public const string Scope = "scope";
    public const string RealmAccess = "realm_access";
    public const string Email = "email";
    public const string PreferredUsername = "preferred_username";
    public const string GivenName = "given_name";
    public const string FamilyName = "family_name";
    public const string Subject = "sub";
    public const string Issuer = "iss";
}
