using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace TicketingFunctions.Auth;

/// <summary>
/// Who a caller is, for every rule about "the same caller" (idempotency keys, the owner of a pending upload): the
/// validated token's issuer and subject, nothing else. A username, email or display name can be shared or change,
/// so none of them ever decides that two requests come from the same caller. A token without a subject has no
/// identity: it owns nothing.
/// </summary>
public sealed record CallerIdentity(string? Issuer, string? Subject)
{
    public static CallerIdentity Of(Caller caller) => new(caller.Issuer, caller.Subject);

    /// <summary>True when the token named both its issuer and a subject.</summary>
    public bool IsKnown => !string.IsNullOrEmpty(Issuer) && !string.IsNullOrEmpty(Subject);

    /// <summary>Issuer and subject with their lengths, so that no two pairs share a text.</summary>
    public string Canonical => $"{Issuer?.Length}:{Issuer}\n{Subject?.Length}:{Subject}";

    /// <summary>What a store records as an owner: the lowercase hex SHA-256 of <see cref="Canonical"/> (ASCII, fixed length, no personal data).</summary>
    public string Key
    {
        get
        {
            // Hashed from a stack buffer (every create records its requester's key): only the hex text is allocated.
            var canonical = Canonical;
            var rented = Encoding.UTF8.GetMaxByteCount(canonical.Length) > 512 ? ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(canonical.Length)) : null;
            Span<byte> utf8 = rented ?? stackalloc byte[512];
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(canonical, utf8)], hash);
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
            return Convert.ToHexStringLower(hash);
        }
    }

    /// <summary>True when <paramref name="ownerKey"/> (a stored <see cref="Key"/>) is this identity; never for an unknown identity.</summary>
    public bool Owns(string? ownerKey) => IsKnown && ownerKey is not null && string.Equals(ownerKey, Key, StringComparison.Ordinal);
}
