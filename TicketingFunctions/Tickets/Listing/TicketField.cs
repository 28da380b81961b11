using System.Text.Json.Nodes;

namespace TicketingFunctions.Tickets.Listing;

/// <summary>
/// A ticket member that listings filter or sort on: its path in the stored document (Cosmos DB queries it as
/// <c>c.{Path}</c>) and how to read it from a <see cref="Ticket"/> (the embedded store keeps the values per ticket in
/// its index). A new filterable member is one more field here, added to <see cref="All"/>.
/// </summary>
public sealed class TicketField
{
    private TicketField(int ordinal, string path, Func<Ticket, string?> read)
    {
        Ordinal = ordinal;
        Path = path;
        Read = read;
    }

    /// <summary>The position of the field in <see cref="All"/>, and of its value in an index entry's values.</summary>
    public int Ordinal { get; }

    /// <summary>The member's dotted path in the stored ticket document.</summary>
    public string Path { get; }

    public Func<Ticket, string?> Read { get; }

    public static readonly TicketField Id = new(0, "id", t => t.Id);
    public static readonly TicketField ObjectId = new(1, "object_id", t => t.ObjectId);
    public static readonly TicketField Summary = new(2, "summary", t => t.Summary);
    public static readonly TicketField TeamId = new(3, "lookup_props.teamId", t => t.LookupProps.TeamId);
    public static readonly TicketField ItemTypeId = new(4, "lookup_props.itemTypeId", t => t.LookupProps.ItemTypeId);
    public static readonly TicketField StatusType = new(5, "status_type", t => t.StatusType);
    public static readonly TicketField StatusCategory = new(6, "status_category", t => t.StatusCategory);
    public static readonly TicketField SubmittedBy = new(7, "data.submittedBy", t => StringValue(t.Data["submittedBy"]));
    /// <summary>The requester's identity key (<see cref="TicketFactory.SubmittedByIdKey"/>): what <c>submittedBy=me</c> compares.</summary>
    public static readonly TicketField SubmittedById = new(14, "data." + TicketFactory.SubmittedByIdKey, t => StringValue(t.Data[TicketFactory.SubmittedByIdKey]));
    public static readonly TicketField CreatedAt = new(8, "created_at", t => t.CreatedAt);
    public static readonly TicketField UpdatedAt = new(9, "updated_at", t => t.UpdatedAt);
    /// <summary>
    /// A number in the document, which Cosmos DB sorts and compares as one. The embedded index keeps it as text that
    /// sorts the same way: -1 (not deleted) as "-1", a sequence number as 19 digits.
    /// </summary>
    public static readonly TicketField DeletedSeq = new(10, "deleted_seq", t => DeletedSeqText(t.DeletedSeq));
    /// <summary>The display id of the ticket this one relates to (issue 17's <c>ticket_relation</c>), or null.</summary>
    public static readonly TicketField RelatedTo = new(11, "ticket_relation.objectId", t => StringValue(t.TicketRelation?[TicketRelations.ObjectIdKey]));
    public static readonly TicketField Assignee = new(12, "assignee.username", t => t.Assignee?.Username);
    /// <summary>The stored-only property <see cref="SlaBreachAt"/> is read from (the stores write it).</summary>
    public const string SlaBreachAtProperty = "sla_breach_at";

    /// <summary>Stored only (<see cref="SlaBreachAtProperty"/>), derived from the clocks: <see cref="SlaClocks.BreachAt"/>.</summary>
    public static readonly TicketField SlaBreachAt = new(13, SlaBreachAtProperty, t => SlaClocks.BreachAt(t.Slas));

    /// <summary>The stored-only property <see cref="LastActivityAt"/> is read from (the stores write it).</summary>
    public const string LastActivityAtProperty = "last_activity_at";

    /// <summary>The successor's display id of a ticket moved to another type (a tombstone), or null for a live ticket.</summary>
    public static readonly TicketField MovedTo = new(15, "moved_to", t => t.MovedTo);

    /// <summary>
    /// Stored only (<see cref="LastActivityAtProperty"/>), derived: the later of <c>updated_at</c> and
    /// <c>last_comment_at</c> (<see cref="TicketConversation.LastActivityAt"/>), so a comment moves the ticket up an
    /// activity listing without changing its etag.
    /// </summary>
    public static readonly TicketField LastActivityAt = new(16, LastActivityAtProperty, TicketConversation.LastActivityAt);

    public static readonly IReadOnlyList<TicketField> All =
        [Id, ObjectId, Summary, TeamId, ItemTypeId, StatusType, StatusCategory, SubmittedBy, CreatedAt, UpdatedAt, DeletedSeq, RelatedTo, Assignee, SlaBreachAt, SubmittedById, MovedTo, LastActivityAt];

    /// <summary>The ticket's values of every field, by <see cref="Ordinal"/>.</summary>
    public static string?[] ValuesOf(Ticket ticket)
    {
        var values = new string?[All.Count];
        for (var i = 0; i < values.Length; i++) values[i] = All[i].Read(ticket);
        return values;
    }

    public static string DeletedSeqText(long seq) =>
        seq < 0 ? "-1" : seq.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    private static string? StringValue(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public override string ToString() => Path;
}
