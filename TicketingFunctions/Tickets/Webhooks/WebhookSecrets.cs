using System.Security.Cryptography;

namespace TicketingFunctions.Tickets.Webhooks;

/// <summary>Signing secrets in the Standard Webhooks form: <c>whsec_</c> followed by the base64 of 32 random bytes.</summary>
public static class WebhookSecrets
{
    public const string Prefix = "whsec_";
    public const int KeyBytes = 32;

    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>The secrets that sign a delivery at <paramref name="now"/>: the current one and those whose overlap has not ended.</summary>
    public static IReadOnlyList<string> LiveAt(WebhookSubscription subscription, DateTimeOffset now)
    {
        var live = new List<string>(subscription.Secrets.Count);
        foreach (var secret in subscription.Secrets)
            if (secret.ExpiresAt is null || TicketSla.Parse(secret.ExpiresAt) > now) live.Add(secret.Secret);
        return live;
    }
}
