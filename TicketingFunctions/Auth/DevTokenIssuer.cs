using TicketingFunctions.Settings;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TicketingFunctions.Auth;

/// <summary>What a locally minted token claims.</summary>
public sealed record DevTokenRequest(
    string TenantId,
    string Realm,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Teams,
    string Scope,
    string Username = "user@example.com",
    string? Email = "user@example.com",
    string? FirstName = "Jane",
    string? LastName = "Doe",
    TimeSpan? Lifetime = null,
    string? Subject = null);

/// <summary>Mints HS256 tokens with the dev signing key, in the shape a Keycloak realm issues.</summary>
public static class DevTokenIssuer
{
    public static string Issue(AuthOptions options, DevTokenRequest request, DateTime? now = null)
    {
        var key = DevSigningKey.FromOptions(options)
            ?? throw new SettingException("Auth__DevSigningKey is not set; the local app would not accept the token.");
        var issuedAt = now ?? DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            [ClaimNames.TenantId] = request.TenantId,
            [ClaimNames.Scope] = request.Scope,
            [ClaimNames.RealmAccess] = new Dictionary<string, object> { ["roles"] = request.Roles.ToArray() },
            [string.IsNullOrEmpty(options.TeamsClaim) ? "teams" : options.TeamsClaim] = request.Teams.ToArray(),
            [ClaimNames.PreferredUsername] = request.Username,
            [ClaimNames.Subject] = request.Subject ?? request.Username,
        };
        if (request.Email is not null) claims[ClaimNames.Email] = request.Email;
        if (request.FirstName is not null) claims[ClaimNames.GivenName] = request.FirstName;
        if (request.LastName is not null) claims[ClaimNames.FamilyName] = request.LastName;

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = RealmAuthentication.IssuerFor(options, request.Realm),
            Audience = options.Audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + (request.Lifetime ?? TimeSpan.FromHours(8)),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
