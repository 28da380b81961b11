using System.Text.Json;

namespace TicketingFunctions.Tickets.Listing;

/// <summary>The field has no value: <c>assignee=none</c>. In Cosmos DB, a member that is missing or null.</summary>
public sealed record MissingFilter(TicketField Field) : TicketFilter
{
    public override bool Matches(string?[] values) => values[Field.Ordinal] is null;

    public override void WriteCanonical(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        writer.WriteStringValue("missing");
        writer.WriteStringValue(Field.Path);
        writer.WriteEndArray();
    }
}

/// <summary>
/// <c>sla=breached</c>: a clock of the ticket is breached at <see cref="Now"/>, that is, its stored
/// <see cref="TicketField.SlaBreachAt"/> is before it (<see cref="SlaClocks.BreachAt"/>): the rule each ticket's
/// <c>state</c> follows. Each page asks as of its own request, so the canonical form (what a continuation token binds
/// to) leaves the time out: a ticket that breaches while a client pages through is listed like one created meanwhile.
/// </summary>
public sealed record SlaBreachedFilter(string Now) : TicketFilter
{
    public override bool Matches(string?[] values) =>
        values[TicketField.SlaBreachAt.Ordinal] is { } breachAt && string.CompareOrdinal(breachAt, Now) < 0;

    public override void WriteCanonical(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        writer.WriteStringValue("slaBreached");
        writer.WriteEndArray();
    }
}
