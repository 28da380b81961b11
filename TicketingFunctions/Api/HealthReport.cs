using System.Text.Json.Serialization;

namespace TicketingFunctions.Api;

/// <summary>
/// The health endpoints' answer: <c>{"status":"ok"}</c> for liveness; for readiness also each part's state, by name
/// ("ok" or "unreachable"). Never a setting's value: the body is anonymous.
/// </summary>
public sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("checks"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Checks = null);
