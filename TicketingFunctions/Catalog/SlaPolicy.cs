using System.Text.Json.Serialization;

namespace TicketingFunctions.Catalog;

/// <summary>
/// A clock a ticket of the type starts with when it is created: it has <see cref="Hours"/> wall-clock hours until the
/// ticket reaches <see cref="StopsAt"/> (a status category) or a later one, or, for <see cref="FirstPublicReply"/>,
/// until an agent's first public comment.
/// </summary>
public sealed record SlaPolicy(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("hours")] decimal Hours,
    [property: JsonPropertyName("stopsAt")] string StopsAt)
{
    /// <summary>The <see cref="StopsAt"/> of a clock that stops at the first public comment by an agent (as Zendesk's first-reply time).</summary>
    public const string FirstPublicReply = "first_public_reply";
}
