using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TicketingFunctions.Auth;

/// <summary>
/// Registers the "Bearer" scheme for Keycloak-style realm issuers. Each allowed realm gets its own
/// JwtBearer scheme (its issuer, its signing keys from its OpenID metadata); "Bearer" forwards to the
/// realm named by the <c>realmname</c> header, or to the Entra ID scheme (<see cref="EntraAuthentication"/>) when the
/// header names the Entra realm and Entra is configured. Realms that are not allowed go to a scheme that always fails.
/// </summary>
public static class RealmAuthentication
{
    public const string Scheme = JwtBearerDefaults.AuthenticationScheme;
    public const string RealmHeader = "realmname";
    private const string RealmSchemePrefix = "Bearer:";
    private const string RefusedScheme = "Bearer-refused";

    public static string SchemeForRealm(string realm) => RealmSchemePrefix + realm;

    /// <summary>The realm whose scheme produced a ticket, or null for any other scheme.</summary>
    public static string? RealmOfScheme(string? scheme) =>
        scheme is not null && scheme.StartsWith(RealmSchemePrefix, StringComparison.Ordinal) ? scheme[RealmSchemePrefix.Length..] : null;

    public static string IssuerFor(AuthOptions options, string realm) => options.IssuerTemplate.Replace("{realm}", realm, StringComparison.Ordinal);

    public static IReadOnlyList<string> ParseRealms(string? allowedRealms) =>
        (allowedRealms ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();

    public static IServiceCollection AddRealmAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(AuthOptions.SectionName);
        services.Configure<AuthOptions>(section);
        var options = section.Get<AuthOptions>() ?? new AuthOptions();
        var devKey = DevSigningKey.FromOptions(options);
        var realms = ParseRealms(options.AllowedRealms);
        var entra = EntraAuthentication.DirectoryFrom(configuration, realms);
        services.Configure<EntraOptions>(configuration.GetSection(EntraOptions.SectionName));

        services.AddSingleton<ValidatedTokenCache>();
        services.AddSingleton<EntraCallerFactory>();

        // No default scheme: the authentication middleware that WebApplication adds would otherwise validate the
        // token of every request before the function runs. Functions authenticate through RequestAuthenticator,
        // which names the "Bearer" scheme and skips validation for a token it has validated recently.
        var builder = services.AddAuthentication()
            .AddPolicyScheme(Scheme, "Realm bearer token", o => o.ForwardDefaultSelector = context => SelectScheme(context, options, realms, entra))
            .AddScheme<AuthenticationSchemeOptions, RefusedRealmHandler>(RefusedScheme, null);

        // AddAuthentication brings data protection, whose hosted service loads (or creates) the key ring under
        // ~/.aspnet at start-up. Bearer tokens never use it, so that file work can wait for a first use that never comes.
        var keyRingWarmUp = services.FirstOrDefault(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService");
        if (keyRingWarmUp is not null) services.Remove(keyRingWarmUp);

        foreach (var realm in realms)
            builder.AddJwtBearer(SchemeForRealm(realm), o => ConfigureRealm(o, options, realm, devKey));
        if (entra is not null) builder.AddEntra(configuration, entra, KeyRefresh(options));

        return services;
    }

    /// <summary><see cref="AuthOptions.KeyRefreshInterval"/>, held to IdentityModel's least (1 second).</summary>
    public static TimeSpan KeyRefresh(AuthOptions options) =>
        options.KeyRefreshInterval < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : options.KeyRefreshInterval;

    private static void ConfigureRealm(JwtBearerOptions o, AuthOptions options, string realm, SecurityKey? devKey)
    {
        var issuer = IssuerFor(options, realm);
        o.MapInboundClaims = false;
        o.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (context.SecurityToken is not JsonWebToken token) context.Fail("The token is not a JWS");
                else if (StrictTokenRules.Problem(token) is { } problem) context.Fail(problem);
                return Task.CompletedTask;
            },
        };
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidateIssuer = true,
            ValidAudience = options.Audience,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = ClaimNames.PreferredUsername,
        };
        if (devKey is not null)
        {
            // Local development and tests: the realm's metadata is not reachable, the shared key is the only key.
            o.TokenValidationParameters.IssuerSigningKey = devKey;
            o.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            o.MetadataAddress = issuer.TrimEnd('/') + "/.well-known/openid-configuration";
            o.RefreshInterval = KeyRefresh(options);
            o.RequireHttpsMetadata = issuer.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            o.TokenValidationParameters.ValidAlgorithms =
            [
                SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
                SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384,
            ];
        }
    }

    private static string SelectScheme(HttpContext context, AuthOptions options, IReadOnlyList<string> realms, EntraAuthentication.Directory? entra)
    {
        var header = context.Request.Headers[RealmHeader].ToString();
        if (header.Length > 0)
        {
            if (entra is not null && string.Equals(header, entra.RealmName, StringComparison.Ordinal)) return EntraAuthentication.Scheme;
            return realms.Contains(header, StringComparer.Ordinal) ? SchemeForRealm(header) : RefusedScheme;
        }

        // No realmname header: pick the realm by the token's (not yet trusted) issuer, so the token is still
        // validated before the missing header is reported; the chosen scheme then validates everything.
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return RefusedScheme;
        var handler = new JsonWebTokenHandler();
        var raw = authorization["Bearer ".Length..].Trim();
        if (!handler.CanReadToken(raw)) return RefusedScheme;
        string issuer;
        try { issuer = new JsonWebToken(raw).Issuer; }
        catch (ArgumentException) { return RefusedScheme; }
        foreach (var realm in realms)
            if (string.Equals(IssuerFor(options, realm), issuer, StringComparison.Ordinal)) return SchemeForRealm(realm);
        if (entra is not null && string.Equals(entra.Issuer, issuer, StringComparison.Ordinal)) return EntraAuthentication.Scheme;
        return RefusedScheme;
    }
}
