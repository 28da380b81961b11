using System.Text.Json;

namespace TicketingFunctions.Tickets.Listing;

/// <summary>
/// One condition of a listing; a listing's conditions are combined with AND. Each store translates the kinds
/// (Cosmos DB into SQL, the embedded store into <see cref="Matches"/> over its index entry's values), so a new filter
/// of an existing kind needs no store change.
/// </summary>
public abstract record TicketFilter
{
    /// <summary>Whether a ticket with these values (by <see cref="TicketField.Ordinal"/>) meets the condition.</summary>
    public abstract bool Matches(string?[] values);

    /// <summary>Writes the condition unambiguously, for the continuation token's binding to its listing.</summary>
    public abstract void WriteCanonical(Utf8JsonWriter writer);
}

/// <summary>
/// The field equals one of the values (ordinal comparison). Values are distinct and sorted. With no values it matches
/// nothing (e.g. a caller none of whose teams was asked for); stores are never asked to run such a listing.
/// </summary>
public sealed record AnyOfFilter : TicketFilter
{
    public AnyOfFilter(TicketField field, IEnumerable<string> values)
    {
        Field = field;
        Values = [.. values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public TicketField Field { get; }
    public IReadOnlyList<string> Values { get; }

    public override bool Matches(string?[] values)
    {
        var value = values[Field.Ordinal];
        if (value is null) return false;
        for (var i = 0; i < Values.Count; i++)
            if (string.Equals(Values[i], value, StringComparison.Ordinal)) return true;
        return false;
    }

    public override void WriteCanonical(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        writer.WriteStringValue("anyOf");
        writer.WriteStringValue(Field.Path);
        foreach (var value in Values) writer.WriteStringValue(value);
        writer.WriteEndArray();
    }
}

/// <summary>
/// The field is at or after <see cref="AtOrAfter"/> and before <see cref="Before"/> (either may be open), compared
/// ordinally: for timestamps in the stored format (UTC, milliseconds) that is chronological.
/// </summary>
public sealed record RangeFilter(TicketField Field, string? AtOrAfter, string? Before) : TicketFilter
{
    public override bool Matches(string?[] values)
    {
        var value = values[Field.Ordinal];
        if (value is null) return false;
        if (AtOrAfter is not null && string.CompareOrdinal(value, AtOrAfter) < 0) return false;
        if (Before is not null && string.CompareOrdinal(value, Before) >= 0) return false;
        return true;
    }

    public override void WriteCanonical(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        writer.WriteStringValue("range");
        writer.WriteStringValue(Field.Path);
        if (AtOrAfter is null) writer.WriteNullValue(); else writer.WriteStringValue(AtOrAfter);
        if (Before is null) writer.WriteNullValue(); else writer.WriteStringValue(Before);
        writer.WriteEndArray();
    }
}

/// <summary>One of the fields contains <see cref="Text"/>, ignoring case. <see cref="Text"/> is lower-case (invariant).</summary>
public sealed record ContainsTextFilter : TicketFilter
{
    public ContainsTextFilter(IReadOnlyList<TicketField> fields, string text)
    {
        Fields = fields;
        Text = text.ToLowerInvariant();
    }

    public IReadOnlyList<TicketField> Fields { get; }
    public string Text { get; }

    public override bool Matches(string?[] values)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            var value = values[Fields[i].Ordinal];
            // OrdinalIgnoreCase rather than lower-casing every scanned value: no allocation per ticket examined.
            if (value is not null && value.Contains(Text, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    public override void WriteCanonical(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        writer.WriteStringValue("contains");
        foreach (var field in Fields) writer.WriteStringValue(field.Path);
        writer.WriteStringValue(Text);
        writer.WriteEndArray();
    }
}
