using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TicketingFunctions.Auth;

/// <summary>
/// Validates the request's bearer token through the "Bearer" scheme, giving the caller or null. A token that
/// validated recently for the same realm header is answered from <see cref="ValidatedTokenCache"/> until it expires.
/// </summary>
public sealed partial class RequestAuthenticator(IOptions<AuthOptions> options, ValidatedTokenCache cache, EntraCallerFactory entraCallers,
    ILogger<RequestAuthenticator> logger)
{
    private const string BearerPrefix = "Bearer ";
    private readonly string _teamsClaim = string.IsNullOrEmpty(options.Value.TeamsClaim) ? "teams" : options.Value.TeamsClaim;

    public async Task<Caller?> AuthenticateAsync(HttpContext context)
    {
        // Every answer to a request that needs a token is about one caller's data: no cache may keep it.
        context.Response.Headers.CacheControl = "no-store";
        var key = CacheKey(context.Request);
        if (key is { } hit && cache.TryGet(hit, out var cached))
        {
            RequestTenant.Set(context, cached.TenantId);
            return cached;
        }

        var result = await context.AuthenticateAsync(RealmAuthentication.Scheme);
        if (!result.Succeeded)
        {
            // One line per refused token, without its stack (the framework's own log of it is kept at Warning):
            // a flood of bad tokens must not flood the logs. The exception type says why; its message may quote the token.
            LogRefused(logger, result.Failure?.GetType().Name ?? "no token");
            TokenRefusal.Set(context, result.Failure);
            return null;
        }
        Caller caller;
        if (result.Ticket.AuthenticationScheme == EntraAuthentication.Scheme)
        {
            caller = entraCallers.FromPrincipal(result.Principal);
        }
        else
        {
            var realm = RealmAuthentication.RealmOfScheme(result.Ticket.AuthenticationScheme);
            if (realm is null) return null;
            caller = CallerFactory.FromPrincipal(result.Principal, realm, _teamsClaim);
        }
        if (key is { } miss && ExpiresAt(result) is { } expiresAt) cache.Add(miss, caller, expiresAt);
        RequestTenant.Set(context, caller.TenantId);
        return caller;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused the request's bearer token: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    /// <summary>The token as JwtBearer reads it (Authorization: Bearer …) with the realm header that picks its scheme.</summary>
    private TokenKey? CacheKey(HttpRequest request)
    {
        if (cache.Capacity == 0) return null;
        var authorization = request.Headers.Authorization.ToString().AsSpan();
        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)) return null;
        var token = authorization[BearerPrefix.Length..].Trim();
        if (token.IsEmpty) return null;
        return TokenKey.For(request.Headers[RealmAuthentication.RealmHeader].ToString(), token);
    }

    /// <summary>The validated token's expiry: JwtBearer's ticket properties, else the <c>exp</c> claim.</summary>
    private static DateTimeOffset? ExpiresAt(AuthenticateResult result)
    {
        if (result.Properties?.ExpiresUtc is { } expires) return expires;
        var exp = result.Principal?.FindFirst("exp")?.Value;
        return long.TryParse(exp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }
}
