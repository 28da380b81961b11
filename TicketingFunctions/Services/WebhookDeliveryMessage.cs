using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TicketingFunctions.Services;

/// <summary>
/// A message of the <see cref="WebhookDeliveryQueue"/>: "deliver what is due to this tenant's subscription". It names
/// the subscription only; the pass reads the subscription and its cursor from the store, so a duplicate or late message
/// sends nothing the cursor has passed.
/// </summary>
public sealed record WebhookDeliveryMessage(
    [property: JsonPropertyName("tenant")] string TenantId,
    [property: JsonPropertyName("subscription")] string WebhookId)
{
    /// <summary>Ids are short (a GUID, <c>wh_</c> and 32 hex digits); anything longer is not a message the timer wrote.</summary>
    private const int MaxIdLength = 100;

    public string ToJson() => JsonSerializer.Serialize(this, WebhookDeliveryMessageJsonContext.Default.WebhookDeliveryMessage);

    /// <summary>False for anything the timer did not write: not JSON, a missing, empty or oversized id.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out WebhookDeliveryMessage? message)
    {
        message = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        try
        {
            message = JsonSerializer.Deserialize(text, WebhookDeliveryMessageJsonContext.Default.WebhookDeliveryMessage);
        }
        catch (JsonException)
        {
            return false;
        }
        if (message is null || !IsId(message.TenantId) || !IsId(message.WebhookId))
        {
            message = null;
            return false;
        }
        return true;
    }

    private static bool IsId(string? id) => !string.IsNullOrWhiteSpace(id) && id.Length <= MaxIdLength;
}

[JsonSerializable(typeof(WebhookDeliveryMessage))]
internal sealed partial class WebhookDeliveryMessageJsonContext : JsonSerializerContext;
