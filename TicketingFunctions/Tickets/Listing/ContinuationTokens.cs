using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TicketingFunctions.Tickets.Listing;

/// <summary>
/// Wraps a store's resume position into the API's continuation token and back. A token is
/// <c>base64url(version ‖ position ‖ HMAC-SHA256(key, purpose ‖ listing ‖ position))</c>, where the listing is what
/// the service binds it to: the tenant, the filters as sent and as run (with the caller's visibility), the sort and
/// the order. So a token only opens the listing it came from; one changed in any byte, made up, or taken from another tenant's or another filter's listing fails the MAC
/// and is refused. The position itself (a sort value and an id, or Cosmos DB's own token) is not secret, only bound.
/// </summary>
public sealed class ContinuationTokens
{
    private const byte Version = 1;
    private const int MacBytes = HMACSHA256.HashSizeInBytes;
    private static readonly byte[] Purpose = "TicketingFunctions/ticket-list/v1\n"u8.ToArray();

    /// <summary>
    /// The longest token accepted, in characters. Cosmos DB's own token is limited to 1 KB by the query options;
    /// this leaves room for that, the version and the MAC, and stops oversized input before any decoding.
    /// </summary>
    public const int MaxTokenLength = 4096;

    private readonly byte[] _key;

    public ContinuationTokens(IOptions<TicketListOptions> options, ILogger<ContinuationTokens> logger)
    {
        var configured = TicketListOptions.ParseKey(options.Value.ContinuationTokenKey);
        if (configured is null)
        {
            logger.LogWarning("{Setting} is not set: continuation tokens are signed with a key of this process only, so they " +
                              "fail on other instances and after a restart.", $"{TicketListOptions.SectionName}:{nameof(TicketListOptions.ContinuationTokenKey)}");
        }
        _key = configured ?? RandomNumberGenerator.GetBytes(TicketListOptions.MinKeyBytes);
    }

    public string Protect(byte[] listing, string position)
    {
        var positionBytes = Encoding.UTF8.GetBytes(position);
        var token = new byte[1 + positionBytes.Length + MacBytes];
        token[0] = Version;
        positionBytes.CopyTo(token, 1);
        Mac(listing, positionBytes).CopyTo(token, 1 + positionBytes.Length);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The position in the token, or null when the token is malformed, changed, or not from this listing.</summary>
    public string? Unprotect(byte[] listing, string token)
    {
        if (token.Length is 0 or > MaxTokenLength) return null;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return null;
        }
        if (bytes.Length < 1 + MacBytes || bytes[0] != Version) return null;
        var position = bytes.AsSpan(1, bytes.Length - 1 - MacBytes);
        var expected = Mac(listing, position);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(bytes.Length - MacBytes))) return null;
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(position);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private byte[] Mac(byte[] listing, ReadOnlySpan<byte> position)
    {
        // Lengths first, so that no split of the same bytes between listing and position gives the same input.
        var input = new byte[Purpose.Length + 8 + listing.Length + position.Length];
        var span = input.AsSpan();
        Purpose.CopyTo(span);
        span = span[Purpose.Length..];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span, listing.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span[4..], position.Length);
        listing.CopyTo(span[8..]);
        position.CopyTo(span[(8 + listing.Length)..]);
        return HMACSHA256.HashData(_key, input);
    }
}
