namespace TicketingFunctions.Auth;

/// <summary>Settings under <c>Auth__*</c>. Realm issuers are Keycloak-style: one issuer per realm.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Issuer URL with a <c>{realm}</c> placeholder, e.g. <c>https://id.example.com/realms/{realm}</c>.</summary>
    public string IssuerTemplate { get; set; } = "";

    /// <summary>Comma-separated realm names. Empty refuses every realm: it never means "any".</summary>
    public string AllowedRealms { get; set; } = "";

    public string Audience { get; set; } = "";

    /// <summary>Name of the claim that lists the caller's team slugs.</summary>
    public string TeamsClaim { get; set; } = "teams";

    /// <summary>How many validated tokens are remembered (each at most 5 minutes, never past its expiry); 0 turns the cache off.</summary>
    public int TokenCacheSize { get; set; } = 10_000;

    /// <summary>Base64 HS256 key (at least 32 bytes) accepted in addition to the realm's keys. Local development and tests only.</summary>
    public string? DevSigningKey { get; set; }
}
