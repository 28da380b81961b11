using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Tickets;

/// <summary>
/// One write of a ticket: who, when, the version it produced and, per changed key, the old and new value.
/// Keys are <c>summary</c>, <c>offerId</c>, field UUIDs, <c>attachments.&lt;id&gt;</c>, <c>ticketRelation</c> and (on deletion)
/// <c>deleted_seq</c>. A value that was absent or cleared is null.
/// </summary>
public sealed record TicketHistoryEntry
{
    [JsonPropertyName("version")] public required int Version { get; init; }
    /// <summary><see cref="TicketHistory.Created"/>, <see cref="TicketHistory.Updated"/> or <see cref="TicketHistory.Deleted"/>.</summary>
    [JsonPropertyName("action")] public required string Action { get; init; }
    [JsonPropertyName("username")] public required string Username { get; init; }
    /// <summary>ISO-8601 UTC with milliseconds; equal to the ticket's <c>updated_at</c> after this write.</summary>
    [JsonPropertyName("timestamp")] public required string Timestamp { get; init; }
    [JsonPropertyName("changes")] public required IReadOnlyDictionary<string, ValueChange> Changes { get; init; }
    /// <summary>
    /// Only on an entry of action <see cref="TicketHistory.Commented"/>: derived from the comment's document when the
    /// history is read (never stored with the ticket), so it changes neither the ticket's etag nor its version.
    /// </summary>
    [JsonPropertyName("comment"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public HistoryComment? Comment { get; init; }
}

/// <summary>
/// A comment as the history tells it: which, its visibility, and when it was corrected (by its author, the entry's
/// username) and redacted (who, when). Never its text.
/// </summary>
public sealed record HistoryComment(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("visibility")] string Visibility,
    [property: JsonPropertyName("edited_at")] IReadOnlyList<string> EditedAt,
    [property: JsonPropertyName("redacted"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CommentRedaction? Redacted)
{
    /// <summary>
    /// The entry of <paramref name="comment"/>: its author, its creation time, the ticket's version when it was written.
    /// A redaction empties the earlier texts, and with them the times of the corrections before it.
    /// </summary>
    public static TicketHistoryEntry EntryOf(TicketComment comment) => new()
    {
        Version = Math.Max(1, comment.TicketVersion),
        Action = TicketHistory.Commented,
        Username = comment.Author.Username,
        Timestamp = comment.CreatedAt,
        Changes = new Dictionary<string, ValueChange>(),
        Comment = new HistoryComment(comment.Id, comment.Visibility, [.. comment.Revisions.Select(r => r.ReplacedAt)], comment.Redacted),
    };
}

/// <summary>A key's value before and after a write. <see cref="JsonElement"/> is immutable, so entries can be shared.</summary>
public sealed record ValueChange(
    [property: JsonPropertyName("old")] JsonElement? Old,
    [property: JsonPropertyName("new")] JsonElement? New);

/// <summary>Builds history entries.</summary>
public static class TicketHistory
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Deleted = "deleted";
    /// <summary>A move to another team or ticket type (<see cref="TicketMove"/>).</summary>
    public const string Moved = "moved";
    /// <summary>A comment (<see cref="HistoryComment"/>): an entry the history derives from the comment, not a write of the ticket.</summary>
    public const string Commented = "commented";
    public const string DeletedSeqKey = "deleted_seq";
    public const string SummaryKey = "summary";

    /// <summary>Keys of <c>data</c> the system maintains; they are not changes a client made.</summary>
    public static readonly IReadOnlySet<string> SystemDataKeys =
        new HashSet<string>(["submittedBy", TicketFactory.SubmittedByIdKey, "lastUpdatedBy"], StringComparer.Ordinal);

    /// <summary>The first entry of a new ticket: every value it was created with, each from null.</summary>
    [ThreadStatic] private static System.Buffers.ArrayBufferWriter<byte>? t_scratch;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public static TicketHistoryEntry Creation(Ticket ticket, Caller caller)
    {
        // Every value goes into one JSON array, parsed once: one document for the whole entry rather than a buffer,
        // a writer and two documents per value (this runs on every create).
        var keys = new List<string>(ticket.Data.Count + 1) { SummaryKey };
        var buffer = t_scratch ??= new System.Buffers.ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        // The thread's writer too, reset onto the buffer: a writer per create was an allocation of its own.
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartArray();
        writer.WriteStringValue(ticket.Summary);
        foreach (var (key, value) in ticket.Data)
        {
            if (SystemDataKeys.Contains(key) || value is null) continue;
            if (WatcherList.IsKey(key) && value is JsonArray { Count: 0 }) continue; // nobody was named

            keys.Add(key);
            value.WriteTo(writer);
        }
        foreach (var (id, attachment) in ticket.Attachments)
        {
            if (attachment is null) continue;
            keys.Add(AttachmentLinks.HistoryKey(id));
            attachment.WriteTo(writer);
        }
        if (ticket.TicketRelation is { } relation)
        {
            keys.Add(TicketRelations.Key);
            relation.WriteTo(writer);
        }
        writer.WriteEndArray();
        writer.Flush();
        // One copy, owned by the element (the scratch buffer is reused by the thread's next create).
        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        var values = JsonElement.ParseValue(ref reader);
        if (buffer.Capacity > 64 * 1024) (t_scratch, t_writer) = (null, null);

        var changes = new Dictionary<string, ValueChange>(keys.Count, StringComparer.Ordinal);
        var index = 0;
        foreach (var value in values.EnumerateArray()) changes[keys[index++]] = new(null, value);
        return new TicketHistoryEntry
        {
            Version = ticket.Version,
            Action = Created,
            Username = caller.Username,
            Timestamp = ticket.CreatedAt,
            Changes = changes,
        };
    }

    /// <summary>The whole history, oldest first: archived entries older than the embedded ones, then the embedded ones.</summary>
    public static IReadOnlyList<TicketHistoryEntry> Merge(IReadOnlyList<TicketHistoryEntry> archived, IReadOnlyList<TicketHistoryEntry> embedded)
    {
        var firstEmbedded = embedded.Count > 0 ? embedded.Min(e => e.Version) : int.MaxValue;
        var merged = new SortedDictionary<int, TicketHistoryEntry>();
        foreach (var entry in archived)
            if (entry.Version < firstEmbedded) merged[entry.Version] = entry;
        foreach (var entry in embedded) merged[entry.Version] = entry;
        return [.. merged.Values];
    }

    /// <summary>True when entries older than the embedded ones may exist in the archive.</summary>
    public static bool MayHaveArchive(IReadOnlyList<TicketHistoryEntry> embedded) =>
        embedded.Count == 0 || embedded.Min(e => e.Version) > 1;

    public static JsonElement Element(string value) => Element(JsonValue.Create(value))!.Value;

    /// <summary>An immutable copy of a node; null for a JSON null or a missing value.</summary>
    public static JsonElement? Element(JsonNode? node)
    {
        if (node is null) return null;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) node.WriteTo(writer);
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
