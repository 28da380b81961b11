using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace TicketingFunctions.Auth;

/// <summary>
/// Why the request's token was refused, in a few words, for the 401's <c>WWW-Authenticate: Bearer error="invalid_token",
/// error_description="…"</c> (RFC 6750 §3). The body stays generic; no part of the token is repeated.
/// </summary>
public static class TokenRefusal
{
    private static readonly object Key = new();

    /// <summary>Thrown by the scheme of a realm that isn't allowed, so the refusal can say so.</summary>
    public sealed class UnknownRealmException() : Exception("The realm is not allowed.");

    /// <summary>Records the refusal of a token that was sent (a request without one gets a plain challenge).</summary>
    public static void Set(HttpContext context, Exception? failure)
    {
        if (failure is not null) context.Items[Key] = Describe(failure);
    }

    public static string? Of(HttpContext context) => context.Items.TryGetValue(Key, out var reason) ? reason as string : null;

    /// <summary>The challenge for a 401: <c>Bearer</c>, with the error and its reason when a token was refused.</summary>
    public static string Challenge(HttpContext context) =>
        Of(context) is { } reason ? $"Bearer error=\"invalid_token\", error_description=\"{reason}\"" : "Bearer";

    /// <summary>A short reason from the validation's exception type: never its message, which can quote the token.</summary>
    public static string Describe(Exception failure) => failure switch
    {
        SecurityTokenExpiredException => "the token expired",
        SecurityTokenNotYetValidException => "the token is not valid yet",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer for the realm",
        UnknownRealmException => "unknown realm",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "invalid signature",
        SecurityTokenNoExpirationException => "the token has no expiry",
        _ => "invalid token",
    };
}
