using TicketingFunctions.Settings;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TicketingFunctions.Auth;

/// <summary>
/// The Entra ID path beside the realms: a JwtBearer scheme built by Microsoft.Identity.Web's
/// <c>AddMicrosoftIdentityWebApi</c> from the <c>AzureAd</c> section (Instance, TenantId, ClientId, optional Audience).
/// Identity.Web validates signature, lifetime, audience and issuer (its Entra issuer validator, with keys from the
/// directory's OpenID metadata); on top, only RS256 is accepted and only v2 tokens of the configured directory.
/// Without an <c>AzureAd</c> section (or with every value in it empty) Entra is off and its realm name is unknown.
/// </summary>
public static class EntraAuthentication
{
    public const string Scheme = "Entra";
    public const string AzureAdSection = "AzureAd";
    public const string DefaultInstance = "https://login.microsoftonline.com/";
    /// <summary>The IHttpClientFactory client that Identity.Web's issuer validator reads the directory's metadata with.</summary>
    public const string MetadataHttpClient = "EntraMetadata";

    /// <summary>The parts of the <c>AzureAd</c> section the rest of the product needs, or null when Entra is off.</summary>
    public sealed record Directory(string RealmName, string Instance, string TenantId, string Issuer);

    /// <summary>Reads and checks the Entra settings; null when there is no (non-empty) <c>AzureAd</c> section.</summary>
    public static Directory? DirectoryFrom(IConfiguration configuration, IReadOnlyList<string> realms)
    {
        var section = configuration.GetSection(AzureAdSection);
        if (!section.AsEnumerable(makePathsRelative: true).Any(kv => !string.IsNullOrWhiteSpace(kv.Value))) return null;

        var tenantId = section["TenantId"];
        if (string.IsNullOrWhiteSpace(section["ClientId"]))
            throw new SettingException("AzureAd__ClientId (the API's application id) is required when AzureAd is configured.");
        if (!Guid.TryParse(tenantId, out _))
            throw new SettingException("AzureAd__TenantId must be the directory's id (a UUID) when AzureAd is configured.");

        var instance = string.IsNullOrWhiteSpace(section["Instance"]) ? DefaultInstance : section["Instance"]!;
        // Identity.Web's issuer validator reads the directory's metadata over https only, whatever JwtBearer allows.
        if (!Uri.TryCreate(instance, UriKind.Absolute, out var instanceUri) || instanceUri.Scheme != Uri.UriSchemeHttps)
            throw new SettingException("AzureAd__Instance must be an https URL.");

        var realmName = configuration[$"{EntraOptions.SectionName}:{nameof(EntraOptions.RealmName)}"];
        if (string.IsNullOrWhiteSpace(realmName)) realmName = EntraOptions.DefaultRealmName;
        if (realms.Contains(realmName, StringComparer.Ordinal))
            throw new SettingException($"Auth__AllowedRealms lists '{realmName}', the Entra ID realm name (Auth__Entra__RealmName); choose another for one of them.");

        var clients = configuration.GetSection(EntraOptions.SectionName).Get<EntraOptions>()?.Clients ?? [];
        foreach (var (id, client) in clients)
            if (!Guid.TryParse(client.TenantId, out _))
                throw new SettingException($"Auth__Entra__Clients__{id}__TenantId must be a ticketing tenant id (a UUID).");

        // The v2 issuer of the configured directory, which is what its tokens carry in iss.
        var issuer = $"{instance.TrimEnd('/')}/{tenantId}/v2.0";
        return new Directory(realmName, instance, tenantId!, issuer);
    }

    public static AuthenticationBuilder AddEntra(this AuthenticationBuilder builder, IConfiguration configuration, Directory directory, TimeSpan keyRefreshInterval)
    {
        var section = configuration.GetSection(AzureAdSection);
        builder.AddMicrosoftIdentityWebApi(
            jwt =>
            {
                // As Identity.Web's own configuration-section overload does: AzureAd__Audience lands on JwtBearerOptions.
                section.Bind(jwt);
                ConfigureJwtBearer(jwt);
                // A refused token asks for the keys again at most this often (AuthOptions.KeyRefreshInterval).
                jwt.RefreshInterval = keyRefreshInterval;
            },
            identity =>
            {
                section.Bind(identity);
                identity.Instance = directory.Instance;
            },
            Scheme);
        // Without a name the validator makes its own HttpClient, outside the factory's handler lifetime management.
        builder.Services.Configure<AadIssuerValidatorOptions>(o => o.HttpClientName = MetadataHttpClient);
        return builder;
    }

    private static void ConfigureJwtBearer(JwtBearerOptions o)
    {
        // Claims keep their JWT names (roles, azp, oid), as on the realm path.
        o.MapInboundClaims = false;
        o.RequireHttpsMetadata = true;
        o.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
        o.TokenValidationParameters.RequireExpirationTime = true;
        o.TokenValidationParameters.RequireSignedTokens = true;
        o.TokenValidationParameters.ValidateLifetime = true;
        o.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);

        // Identity.Web's issuer validator holds the issuer to the configured directory's, but accepts its v1.0 issuer
        // too (sts.windows.net): this API takes v2.0 tokens only. The realm schemes' strict rules (no crit header, no
        // repeated member) apply as well. Identity.Web runs its own checks before these.
        o.Events ??= new JwtBearerEvents();
        o.Events.OnTokenValidated = context =>
        {
            if (context.Result is { Failure: not null }) return Task.CompletedTask;
            if (context.SecurityToken is not JsonWebToken token) context.Fail("The token is not a JWS");
            else if (StrictTokenRules.Problem(token) is { } problem) context.Fail(problem);
            else if (!string.Equals(context.Principal!.FindFirst(EntraClaimNames.Version)?.Value, "2.0", StringComparison.Ordinal))
                context.Fail("Only Entra ID v2.0 access tokens are accepted.");
            return Task.CompletedTask;
        };
    }
}
