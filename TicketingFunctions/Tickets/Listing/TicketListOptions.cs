using TicketingFunctions.Settings;
namespace TicketingFunctions.Tickets.Listing;

/// <summary>Settings under <c>TicketList__*</c>.</summary>
public sealed class TicketListOptions
{
    public const string SectionName = "TicketList";

    /// <summary>The shortest key accepted, in bytes: HMAC-SHA256's own output size.</summary>
    public const int MinKeyBytes = 32;

    /// <summary>
    /// Base64 of at least 32 random bytes: the HMAC-SHA256 key that signs continuation tokens. Every instance of the
    /// app must have the same one, or a token issued by one instance is refused by another. When it is not set, each
    /// process makes its own (fine for one local process; tokens then end with the process).
    /// </summary>
    public string? ContinuationTokenKey { get; set; }

    /// <summary>Checks the key without using it; throws with a message naming the setting.</summary>
    public static byte[]? ParseKey(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured)) return null;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(configured.Trim());
        }
        catch (FormatException)
        {
            throw new SettingException($"{SectionName}__{nameof(ContinuationTokenKey)} must be base64.");
        }
        if (key.Length < MinKeyBytes)
            throw new SettingException($"{SectionName}__{nameof(ContinuationTokenKey)} must be at least {MinKeyBytes} bytes (base64 of {MinKeyBytes} random bytes).");
        return key;
    }
}
