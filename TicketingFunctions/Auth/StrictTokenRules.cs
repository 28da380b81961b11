using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TicketingFunctions.Auth;

/// <summary>
/// What a validated token must also satisfy, checked on the handler's already-parsed <see cref="JsonWebToken"/>
/// after its signature, issuer, audience and lifetime passed:
/// no <c>crit</c> header (RFC 7515 §4.1.11: a recipient must refuse critical extensions it does not understand, and
/// this API understands none), and no member named twice in the header or the payload (the parser would keep the
/// last, so two readers of one token could see two different callers).
/// </summary>
public static class StrictTokenRules
{
    public const string CriticalHeader = "crit";

    /// <summary>Why the token is refused, or null when it passes.</summary>
    public static string? Problem(JsonWebToken token)
    {
        if (token.TryGetHeaderValue<object>(CriticalHeader, out _)) return "The token has critical header extensions (crit), which this API does not understand";
        if (RepeatsAMember(token.EncodedHeader)) return "The token's header names a member more than once";
        if (RepeatsAMember(token.EncodedPayload)) return "The token's payload names a claim more than once";
        return null;
    }

    private static readonly JsonDocumentOptions RefuseDuplicates = new() { AllowDuplicateProperties = false };

    // The segment was already decoded and parsed by the handler; System.Text.Json parses it again, refusing any member
    // named twice at any depth.
    private static bool RepeatsAMember(string encodedSegment)
    {
        try
        {
            using var _ = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(encodedSegment), RefuseDuplicates);
            return false;
        }
        catch (JsonException)
        {
            return true;
        }
    }
}
