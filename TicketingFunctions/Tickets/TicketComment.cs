using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TicketingFunctions.Tickets;

/// <summary>
/// One comment on a ticket, stored as its own document in the tenant's partition (kind <c>comment</c>), keyed to the
/// ticket's UUID (<see cref="TicketId"/>), so a ticket's comments are one single-partition query and a comment never
/// rewrites its ticket. <see cref="Etag"/> is the comment's own concurrency token; the ticket's etag never changes
/// because of a comment.
/// </summary>
public sealed record TicketComment
{
    public const string KindName = "comment";

    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("tenant_id")] public required string TenantId { get; init; }
    [JsonPropertyName("kind")] public string Kind { get; init; } = KindName;
    [JsonPropertyName("ticket_id")] public required string TicketId { get; init; }
    [JsonPropertyName("etag")] public required string Etag { get; init; }
    /// <summary>Sanitized rich text.</summary>
    [JsonPropertyName("body")] public required string Body { get; init; }
    /// <summary><see cref="CommentVisibility.Public"/> or <see cref="CommentVisibility.Internal"/>.</summary>
    [JsonPropertyName("visibility")] public required string Visibility { get; init; }
    [JsonPropertyName("author")] public required CommentAuthor Author { get; init; }
    [JsonPropertyName("created_at")] public required string CreatedAt { get; init; }
    /// <summary>The ticket's version when the comment was written (a comment makes none): its history entry's version.</summary>
    [JsonPropertyName("ticket_version")] public int TicketVersion { get; init; }
    [JsonPropertyName("edited_at")] public string? EditedAt { get; init; }
    /// <summary>Earlier texts of an edited comment, oldest first; emptied by a redaction.</summary>
    [JsonPropertyName("revisions")] public IReadOnlyList<CommentRevision> Revisions { get; init; } = [];
    [JsonPropertyName("redacted")] public CommentRedaction? Redacted { get; init; }
    /// <summary>The linked uploads' metadata, as a ticket's attachments carry it.</summary>
    [JsonPropertyName("attachments")] public JsonArray Attachments { get; init; } = [];
    /// <summary>
    /// The ids of <see cref="Attachments"/>, stored beside them (written, never read back) so that a store finds the
    /// comment that links an upload with one indexed lookup (a download through the ticket's route).
    /// </summary>
    [JsonPropertyName("attachment_ids")] public IEnumerable<string> AttachmentIds =>
        Attachments.Select(a => a?["id"]?.GetValue<string>()).OfType<string>();
    /// <summary>The usernames of known agents the body mentioned (<c>@username</c>).</summary>
    [JsonPropertyName("mentions")] public IReadOnlyList<string> Mentions { get; init; } = [];

    public bool IsPublic => Visibility == CommentVisibility.Public;
}

/// <summary>Who wrote a comment: the names a reader sees, and the identity key (issuer and subject, hashed) that says "the same caller".</summary>
public sealed record CommentAuthor(
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("identity")] string IdentityKey,
    [property: JsonPropertyName("agent")] bool IsAgent);

/// <summary>An earlier text of an edited comment and when it was replaced.</summary>
public sealed record CommentRevision(
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("replaced_at")] string ReplacedAt);

/// <summary>Who redacted a comment and when.</summary>
public sealed record CommentRedaction(
    [property: JsonPropertyName("by")] string By,
    [property: JsonPropertyName("at")] string At);

public static class CommentVisibility
{
    public const string Public = "public";
    public const string Internal = "internal";
}

/// <summary>Where a page of comments starts: after the comment with this creation time and id (the order is created_at, then id).</summary>
public readonly record struct CommentPosition(string CreatedAt, string Id)
{
    /// <summary>The position as a cursor's text (signed by whoever hands it out).</summary>
    public string Text => $"{CreatedAt}\n{Id}";

    /// <summary>The position <see cref="Text"/> wrote, or null.</summary>
    public static CommentPosition? Parse(string? text)
    {
        var split = text?.IndexOf('\n') ?? -1;
        return split > 0 ? new CommentPosition(text![..split], text[(split + 1)..]) : null;
    }
}

/// <summary>One page of comments, oldest first, and where the next starts (null: none follow).</summary>
public sealed record CommentPage(IReadOnlyList<TicketComment> Comments, CommentPosition? Next);
