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

    /// <summary>
    /// The least time between two reads of an issuer's signing keys (its OpenID metadata) asked for by refused tokens,
    /// realms and Entra ID alike. A token signed with a newly published key is refused, and asks for a read, when the
    /// last read is older than this; the read then runs in the background and the next token is accepted. So a new key
    /// is accepted at most this long after the previous read, however many other tokens were refused in between.
    /// IdentityModel's own default is 5 minutes; its least is 1 second.
    /// </summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Base64 HS256 key (at least 32 bytes) accepted in addition to the realm's keys. Local development and tests only.</summary>
    public string? DevSigningKey { get; set; }
}
