using TicketingFunctions.Settings;
using Microsoft.IdentityModel.Tokens;

namespace TicketingFunctions.Auth;

/// <summary>The optional HS256 key for local development and tests (<c>Auth__DevSigningKey</c>).</summary>
public static class DevSigningKey
{
    public const int MinimumBytes = 32;

    public static SymmetricSecurityKey? FromOptions(AuthOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DevSigningKey)) return null;
        byte[] bytes;
        try { bytes = Convert.FromBase64String(options.DevSigningKey); }
        catch (FormatException) { throw new SettingException("Auth__DevSigningKey must be base64."); }
        if (bytes.Length < MinimumBytes)
            throw new SettingException($"Auth__DevSigningKey must be at least {MinimumBytes} bytes.");
        return new SymmetricSecurityKey(bytes) { KeyId = "dev" };
    }
}
