using System.Text.Json.Serialization;

namespace TicketingFunctions.Catalog;

/// <summary>
/// A clock a ticket of the type starts with when it is created: it has <see cref="Hours"/> wall-clock hours until the
/// ticket reaches <see cref="StopsAt"/> (a status category) or a later one.
/// </summary>
public sealed record SlaPolicy(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("hours")] decimal Hours,
    [property: JsonPropertyName("stopsAt")] string StopsAt);
