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

    // The segment was already decoded and parsed by the handler; this only reads its top-level member names again.
    private static bool RepeatsAMember(string encodedSegment)
    {
        var reader = new Utf8JsonReader(Base64UrlEncoder.DecodeBytes(encodedSegment));
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!names.Add(reader.GetString()!)) return true;
            reader.Read();
            reader.Skip();
        }
        return false;
    }
}
