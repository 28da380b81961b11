using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace TicketingFunctions.Auth;

/// <summary>Turns the claims of a validated token into a <see cref="Caller"/>.</summary>
public static class CallerFactory
{
    public static Caller FromPrincipal(ClaimsPrincipal principal, string realm, string teamsClaim)
    {
        string? Get(string type) => principal.FindFirst(type)?.Value;

        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in principal.FindAll(ClaimNames.Scope))
            scopes.UnionWith(claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        var roles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in principal.FindAll(ClaimNames.RealmAccess))
        {
            // Only a JSON object grants roles: a string that merely contains JSON text is not realm_access.
            if (claim.ValueType == JsonClaimValueTypes.Json) AddRealmRoles(claim.Value, roles);
        }

        var teams = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in principal.FindAll(teamsClaim))
            if (!string.IsNullOrEmpty(claim.Value)) teams.Add(claim.Value);

        var email = Get(ClaimNames.Email);
        var username = Get(ClaimNames.PreferredUsername) ?? email ?? Get(ClaimNames.Subject) ?? "";
        var subject = Get(ClaimNames.Subject);
        return new Caller(CanonicalTenant(Get(ClaimNames.TenantId)), realm, username, email,
            Get(ClaimNames.GivenName), Get(ClaimNames.FamilyName), roles, scopes, teams,
            Issuer: Get(ClaimNames.Issuer), Subject: string.IsNullOrEmpty(subject) ? null : subject);
    }

    /// <summary>A UUID tenant in its canonical lower-case form, so that the partition key never depends on the issuer's casing.</summary>
    public static string? CanonicalTenant(string? tenantId) =>
        Guid.TryParse(tenantId, out var uuid) ? uuid.ToString("D") : tenantId;

    // The token handler surfaces a JSON-object claim as its raw JSON text: {"roles":["a","b"]}.
    private static void AddRealmRoles(string json, HashSet<string> roles)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("roles", out var list)
                && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var role in list.EnumerateArray())
                    if (role.ValueKind == JsonValueKind.String) roles.Add(role.GetString()!);
            }
        }
        catch (JsonException)
        {
            // A malformed claim grants no roles.
        }
    }
}
