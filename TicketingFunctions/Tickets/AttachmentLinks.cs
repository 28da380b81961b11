using System.Text.Json;
using System.Text.Json.Nodes;

namespace TicketingFunctions.Tickets;

/// <summary>One entry of a body's <c>attachments</c> map: link the upload (with a description), or, on update, unlink it.</summary>
public sealed record AttachmentLinkRequest(string Id, bool Remove, bool DescriptionSent, string? Description);

/// <summary>An attachment as a ticket carries it.</summary>
public sealed record LinkedAttachment(string Id, string Filename, string ContentType, long Size);

/// <summary>
/// The <c>attachments</c> of create and update bodies: a map keyed by upload id, each value <c>{}</c> or
/// <c>{"description": …}</c> (on update, <c>null</c> unlinks). The server fills in the metadata from the upload, so any
/// other key a client sends in a value is ignored. An id must be the caller's own pending upload in the caller's tenant
/// (or already linked to this very ticket); anything else is refused with one message, so ids of others can't be probed.
/// </summary>
public static class AttachmentLinks
{
    public const string Key = "attachments";
    public const string DescriptionKey = "description";
    public const int MaxPerRequest = 50;
    public const int MaxDescriptionLength = 1000;

    /// <summary>The history key of one attachment's change.</summary>
    public static string HistoryKey(string id) => $"{Key}.{id}";

    public static IReadOnlyList<AttachmentLinkRequest>? Parse(JsonElement value, bool allowRemove, ValidationErrors errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(Key, "Field attachments must be an object keyed by attachment id");
            return null;
        }
        if (JsonShape.HasDuplicateKeys(value))
        {
            errors.Add(Key, "Field attachments repeats a key");
            return null;
        }
        if (JsonNumbers.HasOutOfRange(value))
        {
            errors.Add(Key, TicketValidator.OutOfRange(Key));
            return null;
        }
        if (value.GetPropertyCount() > MaxPerRequest)
        {
            errors.Add(Key, $"Field attachments has more than {MaxPerRequest} entries");
            return null;
        }
        var requests = new List<AttachmentLinkRequest>();
        var valid = true;
        foreach (var entry in value.EnumerateObject())
        {
            if (!Guid.TryParseExact(entry.Name, "D", out var parsed))
            {
                errors.Add(Key, $"Attachment id {entry.Name} is not an upload id (a UUID)");
                valid = false;
                continue;
            }
            var id = parsed.ToString("D");
            if (entry.Value.ValueKind == JsonValueKind.Null && allowRemove)
            {
                requests.Add(new AttachmentLinkRequest(id, Remove: true, DescriptionSent: false, null));
                continue;
            }
            if (entry.Value.ValueKind != JsonValueKind.Object)
            {
                errors.Add(Key, allowRemove
                    ? $"Attachment {id} must be an object, or null to remove it"
                    : $"Attachment {id} must be an object");
                valid = false;
                continue;
            }
            string? description = null;
            var descriptionSent = entry.Value.TryGetProperty(DescriptionKey, out var sent);
            if (descriptionSent)
            {
                if (sent.ValueKind == JsonValueKind.String && !TextLength.Exceeds(sent.GetString(), MaxDescriptionLength)) description = sent.GetString();
                else if (sent.ValueKind != JsonValueKind.Null)
                {
                    errors.Add(Key, $"The description of attachment {id} must be a string of at most {MaxDescriptionLength} characters, or null");
                    valid = false;
                    continue;
                }
            }
            requests.Add(new AttachmentLinkRequest(id, Remove: false, descriptionSent, description));
        }
        return valid ? requests : null;
    }

    /// <summary>The message for an id that is not the caller's to link, whatever the reason.</summary>
    public static string NotLinkable(string id) => $"Attachment {id} is not an upload of yours waiting to be linked";

    /// <summary>The attachment with this id on the ticket, or null.</summary>
    public static LinkedAttachment? Linked(Ticket ticket, string attachmentId)
    {
        if (!Guid.TryParseExact(attachmentId, "D", out var parsed)) return null;
        var id = parsed.ToString("D");
        return Of(id, ticket.Attachments[id]);
    }

    /// <summary>The attachment <paramref name="id"/> as its metadata entry (a ticket's or a comment's) describes it, or null.</summary>
    public static LinkedAttachment? Of(string id, JsonNode? metadata)
    {
        return metadata is JsonObject entry
               && entry["filename"]?.GetValue<string>() is { } filename
               && entry["contentType"]?.GetValue<string>() is { } contentType
               && entry["size"] is JsonValue size && size.TryGetValue<long>(out var bytes)
            ? new LinkedAttachment(id, filename, contentType, bytes)
            : null;
    }

    /// <summary>Per attachment that differs between the two maps, its history change (<c>attachments.&lt;id&gt;</c>).</summary>
    public static void AddChanges(JsonObject before, JsonObject after, IDictionary<string, ValueChange> changes)
    {
        foreach (var (id, old) in before)
            if (!JsonNode.DeepEquals(old, after[id])) changes[HistoryKey(id)] = new(TicketHistory.Element(old), TicketHistory.Element(after[id]));
        foreach (var (id, added) in after)
            if (!before.ContainsKey(id)) changes[HistoryKey(id)] = new(null, TicketHistory.Element(added));
    }
}
