using System.Text.Json.Serialization;

namespace TicketingFunctions.Tickets;

/// <summary>
/// One measured number of a ticket. The contract's <c>metrics</c> is an array, so each metric is a named entry; a
/// metric is listed once it has a value (a new ticket has none, as in the contract's create example).
/// </summary>
public sealed record TicketMetric(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] long Value)
{
    /// <summary>
    /// Seconds from creation to the first response: the first public comment by an agent when the ticket has a clock
    /// that stops there (<c>first_public_reply</c>), else the first move out of the To-do category.
    /// </summary>
    public const string TimeToFirstResponse = "time_to_first_response_seconds";
    /// <summary>Seconds from creation to the latest entry into the Done category.</summary>
    public const string TimeToResolution = "time_to_resolution_seconds";
    /// <summary>How often the ticket left the Done category for an earlier one.</summary>
    public const string ReopenedCount = "reopened_count";
}
