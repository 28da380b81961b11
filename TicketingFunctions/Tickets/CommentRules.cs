using System.Text.Json;

namespace TicketingFunctions.Tickets;

/// <summary>A comment body as sent, checked: sanitized text, visibility, and the upload ids to link.</summary>
public sealed record CommentDraft(string Body, string Visibility, IReadOnlyList<string> AttachmentIds);

/// <summary>
/// The rules of a comment's body: <c>{"body": rich text, "visibility": "public"|"internal", "attachments": [upload ids]}</c>.
/// The text is sanitized with the rich-text fields' allow-list (<see cref="RichTextSanitizer"/>); its length is counted in
/// code points, as sent.
/// </summary>
public static class CommentRules
{
    public const string BodyKey = "body";
    public const string VisibilityKey = "visibility";
    public const string AttachmentsKey = "attachments";
    public const int MaxBodyLength = 10_000;
    public const int MaxAttachments = 50;

    private static readonly string[] Keys = [BodyKey, VisibilityKey, AttachmentsKey];

    /// <summary>A new comment's body; null with the reasons in <paramref name="errors"/>.</summary>
    public static CommentDraft? ValidateNew(JsonElement root, ValidationErrors errors)
    {
        if (!CheckShape(root, errors, allowed: Keys)) return null;
        var body = ValidateText(root, errors);
        var visibility = CommentVisibility.Public;
        if (root.TryGetProperty(VisibilityKey, out var sent))
        {
            if (sent.ValueKind == JsonValueKind.String && sent.GetString() is CommentVisibility.Public or CommentVisibility.Internal) visibility = sent.GetString()!;
            else errors.Add(VisibilityKey, $"Field visibility must be one of: {CommentVisibility.Public}, {CommentVisibility.Internal}");
        }
        var attachments = new List<string>();
        if (root.TryGetProperty(AttachmentsKey, out var ids) && ids.ValueKind != JsonValueKind.Null)
        {
            if (ids.ValueKind != JsonValueKind.Array) errors.Add(AttachmentsKey, "Field attachments must be an array of upload ids");
            else if (ids.GetArrayLength() > MaxAttachments) errors.Add(AttachmentsKey, $"Field attachments has more than {MaxAttachments} entries");
            else
                foreach (var id in ids.EnumerateArray())
                {
                    if (id.ValueKind != JsonValueKind.String || !Guid.TryParseExact(id.GetString(), "D", out var parsed))
                    {
                        errors.Add(AttachmentsKey, "Field attachments must hold upload ids (UUIDs)");
                        break;
                    }
                    var canonical = parsed.ToString("D");
                    if (!attachments.Contains(canonical)) attachments.Add(canonical);
                }
        }
        return errors.Count > 0 || body is null ? null : new CommentDraft(body, visibility, attachments);
    }

    /// <summary>An edit's body: <c>{"body": …}</c> only.</summary>
    public static string? ValidateEdit(JsonElement root, ValidationErrors errors)
    {
        if (!CheckShape(root, errors, allowed: [BodyKey])) return null;
        var body = ValidateText(root, errors);
        return errors.Count > 0 ? null : body;
    }

    private static bool CheckShape(JsonElement root, ValidationErrors errors, string[] allowed)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(BodyKey, "The request body must be a JSON object");
            return false;
        }
        if (JsonShape.HasDuplicateKeys(root))
        {
            errors.Add(BodyKey, "The request body repeats a key");
            return false;
        }
        foreach (var property in root.EnumerateObject())
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                errors.Add(property.Name, $"Field {property.Name} is not part of a comment; allowed: {string.Join(", ", allowed)}");
        return errors.Count == 0;
    }

    private static string? ValidateText(JsonElement root, ValidationErrors errors)
    {
        if (!root.TryGetProperty(BodyKey, out var text) || text.ValueKind != JsonValueKind.String)
        {
            errors.Add(BodyKey, "Field body is required and must be a string");
            return null;
        }
        var raw = text.GetString()!;
        if (TextLength.Exceeds(raw, MaxBodyLength))
        {
            errors.Add(BodyKey, $"Field body must be at most {MaxBodyLength} characters");
            return null;
        }
        var sanitized = RichTextSanitizer.Sanitize(raw);
        if (string.IsNullOrWhiteSpace(sanitized))
        {
            errors.Add(BodyKey, "Field body must not be empty (after removing markup that is not allowed)");
            return null;
        }
        return sanitized;
    }

    /// <summary>Whether an author may still correct a comment written at <paramref name="createdAt"/>: strictly within the window.</summary>
    public static bool IsWithinEditWindow(string createdAt, DateTimeOffset now, TimeSpan window) =>
        now < TicketSla.Parse(createdAt) + window;
}
