using System.Text.Json;

namespace TicketingFunctions.Tickets.Listing;

/// <summary>
/// Only tickets that are not deleted (<c>deleted_seq</c> is -1): every listing has it, except a tenant admin's with
/// <c>includeDeleted=true</c>, as a read hides deleted tickets. Its own kind because <c>deleted_seq</c> is a number in
/// the document, which Cosmos DB compares with a number, not with the string the embedded index keeps.
/// </summary>
public sealed record NotDeletedFilter : TicketFilter
{
    public static readonly NotDeletedFilter Instance = new();

    private static readonly string NotDeleted = TicketField.DeletedSeqText(-1);

    public override bool Matches(string?[] values) => string.Equals(values[TicketField.DeletedSeq.Ordinal], NotDeleted, StringComparison.Ordinal);

    public override void WriteCanonical(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        writer.WriteStringValue("notDeleted");
        writer.WriteEndArray();
    }
}

/// <summary>Only tickets deleted after deletion number <see cref="Since"/> (a sync client's <c>deletedSince</c>).</summary>
public sealed record DeletedSinceFilter(long Since) : TicketFilter
{
    private readonly string _since = TicketField.DeletedSeqText(Since);

    public override bool Matches(string?[] values) =>
        values[TicketField.DeletedSeq.Ordinal] is { } seq && seq[0] != '-' && string.CompareOrdinal(seq, _since) > 0;

    public override void WriteCanonical(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        writer.WriteStringValue("deletedSince");
        writer.WriteNumberValue(Since);
        writer.WriteEndArray();
    }
}
