using System.Text.Json.Serialization;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Api;

/// <summary>The contract's error shape: <c>{"error":true,"code":…,"message":…,"status":…}</c>.</summary>
public sealed record ErrorResponse(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("validationResult"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ValidationResult? ValidationResult = null)
{
    [JsonPropertyName("error"), JsonPropertyOrder(-1)] public bool Error => true;
}

/// <summary>The 308 answer for a moved ticket: the error shape, plus <c>moved_to</c>, the newest successor's display id (also in Location).</summary>
public sealed record MovedTicketResponse(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("moved_to")] string MovedTo)
{
    [JsonPropertyName("error"), JsonPropertyOrder(-1)] public bool Error => true;
}

/// <summary>The move answer, in the update answer's shape: the ticket as it now is (the successor after a move to another type).</summary>
public sealed record MoveTicketResponse(
    [property: JsonPropertyName("objectId")] string ObjectId,
    [property: JsonPropertyName("ticket")] Ticket Ticket)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-3)] public bool Success => true;
    [JsonPropertyName("message"), JsonPropertyOrder(-2)] public string Message => "ticket moved successfully";
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status => 200;
}

public sealed record ValidationResult(
    [property: JsonPropertyName("result")] bool Result,
    [property: JsonPropertyName("reason")] IReadOnlyDictionary<string, List<string>> Reason);

public sealed record CreateTicketResponse(
    [property: JsonPropertyName("objectId")] string ObjectId,
    [property: JsonPropertyName("ticket")] Ticket Ticket)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-3)] public bool Success => true;
    [JsonPropertyName("message"), JsonPropertyOrder(-2)] public string Message => "ticket created successfully";
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status => 200;
}

/// <summary>The read answer: <c>{"success":true,"status":200,"ticket":{…}}</c>.</summary>
public sealed record ReadTicketResponse(
    [property: JsonPropertyName("ticket")] Ticket Ticket)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-2)] public bool Success => true;
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status => 200;
}

/// <summary>The update answer, in the create answer's shape.</summary>
public sealed record UpdateTicketResponse(
    [property: JsonPropertyName("objectId")] string ObjectId,
    [property: JsonPropertyName("ticket")] Ticket Ticket)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-3)] public bool Success => true;
    [JsonPropertyName("message"), JsonPropertyOrder(-2)] public string Message => "ticket updated successfully";
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status => 200;
}

/// <summary>
/// The history answer: one page of the ticket's writes, oldest first, the creation first; <c>nextAfter</c> is the
/// <c>after</c> of the next page, null on the last page.
/// </summary>
public sealed record TicketHistoryResponse(
    [property: JsonPropertyName("objectId")] string ObjectId,
    [property: JsonPropertyName("history")] IReadOnlyList<TicketHistoryEntry> History,
    [property: JsonPropertyName("nextAfter"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? NextAfter,
    [property: JsonPropertyName("nextCommentsAfter"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCommentsAfter)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-2)] public bool Success => true;
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status => 200;
}

/// <summary>The delete answer, in the update answer's shape: the ticket as deleted, with its <c>deleted_seq</c>.</summary>
public sealed record DeleteTicketResponse(
    [property: JsonPropertyName("objectId")] string ObjectId,
    [property: JsonPropertyName("ticket")] Ticket Ticket)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-3)] public bool Success => true;
    [JsonPropertyName("message"), JsonPropertyOrder(-2)] public string Message => "ticket deleted successfully";
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status => 200;
}

/// <summary>The upload answer: what a ticket will carry for this attachment once linked (without its description).</summary>
public sealed record AttachmentResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("filename")] string Filename,
    [property: JsonPropertyName("contentType")] string ContentType,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("uploadedBy")] string UploadedBy,
    [property: JsonPropertyName("uploadedAt")] string UploadedAt);

/// <summary>
/// A page of a ticket listing: <c>{"success":true,"status":200,"tickets":[…],"continuationToken":…|null}</c>. Each
/// ticket is as a read answers it, without <c>data</c> unless asked for (<see cref="TicketListJson"/>).
/// </summary>
public sealed record TicketListResponse(
    [property: JsonPropertyName("tickets")] IReadOnlyList<Ticket> Tickets,
    [property: JsonPropertyName("continuationToken")] string? ContinuationToken)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-2)] public bool Success => true;
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status => 200;
}

/// <summary>A comment as the API answers it: its ticket's display id, and no storage keys or identity hashes.</summary>
public sealed record CommentView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("objectId")] string ObjectId,
    [property: JsonPropertyName("etag")] string Etag,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("visibility")] string Visibility,
    [property: JsonPropertyName("author")] CommentAuthorView Author,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("edited_at")] string? EditedAt,
    [property: JsonPropertyName("revisions")] IReadOnlyList<CommentRevision> Revisions,
    [property: JsonPropertyName("redacted")] CommentRedaction? Redacted,
    [property: JsonPropertyName("attachments")] System.Text.Json.Nodes.JsonArray Attachments,
    [property: JsonPropertyName("mentions")] IReadOnlyList<string> Mentions)
{
    public static CommentView Of(string objectId, TicketComment comment) => new(comment.Id, objectId, comment.Etag, comment.Body, comment.Visibility,
        new CommentAuthorView(comment.Author.Username, comment.Author.IsAgent), comment.CreatedAt, comment.EditedAt, comment.Revisions, comment.Redacted,
        comment.Attachments, comment.Mentions);
}

public sealed record CommentAuthorView(
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("agent")] bool IsAgent);

/// <summary>The answer of adding or changing a comment.</summary>
public sealed record CommentResponse(
    [property: JsonPropertyName("objectId")] string ObjectId,
    [property: JsonPropertyName("comment")] CommentView Comment)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-2)] public bool Success => true;
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status => 200;
}

/// <summary>A page of a ticket's comments, oldest first; <c>nextAfter</c> is the <c>after</c> of the next page, null on the last.</summary>
public sealed record CommentPageResponse(
    [property: JsonPropertyName("objectId")] string ObjectId,
    [property: JsonPropertyName("comments")] IReadOnlyList<CommentView> Comments,
    [property: JsonPropertyName("nextAfter")] string? NextAfter)
{
    [JsonPropertyName("success"), JsonPropertyOrder(-2)] public bool Success => true;
    [JsonPropertyName("status"), JsonPropertyOrder(-1)] public int Status => 200;
}
