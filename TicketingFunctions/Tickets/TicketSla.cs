using System.Globalization;
using System.Text.Json.Serialization;

namespace TicketingFunctions.Tickets;

/// <summary>
/// A ticket's clock for one SLA policy. <see cref="TargetAt"/> and <see cref="StoppedAt"/> are stored, as plain
/// timestamps a query can compare ("breached": target passed and not stopped, or stopped after it). <see cref="State"/>
/// is never stored (the store's serializer leaves it out): it is computed from them each time the ticket is answered,
/// against the current time, so it never goes stale.
/// </summary>
public sealed record TicketSla
{
    public const string Running = "running";
    public const string Met = "met";
    public const string Breached = "breached";

    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("target_at")] public required string TargetAt { get; init; }
    [JsonPropertyName("stopped_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? StoppedAt { get; init; }
    /// <summary>
    /// <c>first_public_reply</c> for a clock that an agent's first public comment stops (the comment writes it, so an
    /// update carries it over: <see cref="TicketConversation"/>); absent for a clock that a status category stops.
    /// </summary>
    [JsonPropertyName("stops_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? StopsOn { get; init; }
    /// <summary>Set on every answer (<see cref="SlaClocks.Observe"/>); null, and left out, in a stored document.</summary>
    [JsonPropertyName("state"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? State { get; init; }

    /// <summary>
    /// Met when the clock stopped at or before its target, breached when it stopped after it or is still running past
    /// it, else running. Timestamps have one fixed format, so comparing their text compares their instants.
    /// </summary>
    public string StateAt(DateTimeOffset now)
    {
        if (StoppedAt is not null) return string.CompareOrdinal(StoppedAt, TargetAt) <= 0 ? Met : Breached;
        return string.CompareOrdinal(TicketFactory.Timestamp(now), TargetAt) <= 0 ? Running : Breached;
    }

    internal static DateTimeOffset Parse(string timestamp) =>
        DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
