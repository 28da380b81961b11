namespace TicketingFunctions.Auth;

/// <summary>
/// Settings under <c>Auth__Entra__*</c>: the realm name that selects the Entra ID scheme and, per calling application,
/// the ticketing identity it acts as. The directory itself (instance, tenant, API client id) is Identity.Web's
/// <c>AzureAd</c> section.
/// </summary>
public sealed class EntraOptions
{
    public const string SectionName = "Auth:Entra";
    public const string DefaultRealmName = "entra";

    /// <summary>The <c>realmname</c> header value that selects Entra ID validation.</summary>
    public string RealmName { get; set; } = DefaultRealmName;

    /// <summary>Calling applications keyed by their client id (<c>azp</c>) or, for a managed identity, either that or its object id (<c>oid</c>).</summary>
    public Dictionary<string, EntraClient> Clients { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>What one calling application is, in ticketing terms.</summary>
public sealed class EntraClient
{
    /// <summary>The one ticketing tenant the application works in; requests for another answer 404 "Tenant not found".</summary>
    public string TenantId { get; set; } = "";

    /// <summary>Comma-separated team slugs, as a realm token's <c>teams</c> claim.</summary>
    public string Teams { get; set; } = "";

    /// <summary>Comma-separated realm-equivalent roles (e.g. <c>ticket_agent</c>), as a realm token's <c>realm_access.roles</c>.</summary>
    public string Roles { get; set; } = "";

    /// <summary>Recorded as the ticket's <c>submittedBy</c> and <c>lastUpdatedBy.firstName</c>; defaults to the id the application is mapped by.</summary>
    public string? DisplayName { get; set; }
}
