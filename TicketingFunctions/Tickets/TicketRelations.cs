using System.Text.Json;
using System.Text.Json.Nodes;

namespace TicketingFunctions.Tickets;

/// <summary>A <c>ticketRelation</c> as sent: the target's display id and the kind of relation.</summary>
public sealed record RelationRequest(string ObjectId, string Type);

/// <summary>
/// <c>ticketRelation</c>: <c>null</c>, or <c>{"objectId": "CTC-0001", "type": "parent" | "related" | "duplicate_of" |
/// "caused_by"}</c> and nothing else. The target must be a ticket of the caller's tenant that the caller could read, and
/// not the ticket itself; a missing and an unreadable target get the same message, so relations can't probe for tickets.
/// Stored as <c>{"objectId", "type", "id"}</c>, with the target's record id, which never changes.
/// </summary>
public static class TicketRelations
{
    public const string Key = "ticketRelation";
    public const string ObjectIdKey = "objectId";
    public const string TypeKey = "type";
    public const string IdKey = "id";
    public const int MaxObjectIdLength = 64;
    public const string Parent = "parent";
    /// <summary>How many parents above a new parent link are followed to find a cycle; a longer chain is refused.</summary>
    public const int MaxParentDepth = 64;

    public static readonly IReadOnlyList<string> Types = ["parent", "related", "duplicate_of", "caused_by"];

    /// <summary>False (with reasons) when the value is not null or a well-formed relation; <paramref name="relation"/> is null for null.</summary>
    public static bool TryParse(JsonElement value, ValidationErrors errors, out RelationRequest? relation)
    {
        relation = null;
        if (value.ValueKind == JsonValueKind.Null) return true;
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(Key, "Field ticketRelation must be null or an object");
            return false;
        }
        if (JsonShape.HasDuplicateKeys(value))
        {
            errors.Add(Key, "Field ticketRelation repeats a key");
            return false;
        }
        if (JsonNumbers.HasOutOfRange(value))
        {
            errors.Add(Key, TicketValidator.OutOfRange(Key));
            return false;
        }
        string? objectId = null, type = null;
        var valid = true;
        foreach (var property in value.EnumerateObject())
        {
            switch (property.Name)
            {
                case ObjectIdKey when property.Value.ValueKind == JsonValueKind.String
                                      && property.Value.GetString() is { Length: > 0 } text && !TextLength.Exceeds(text, MaxObjectIdLength):
                    objectId = text;
                    break;
                case ObjectIdKey:
                    errors.Add(Key, $"Field ticketRelation.objectId must be a ticket's display id (1 to {MaxObjectIdLength} characters)");
                    valid = false;
                    break;
                case TypeKey when property.Value.ValueKind == JsonValueKind.String && Types.Contains(property.Value.GetString()!, StringComparer.Ordinal):
                    type = property.Value.GetString();
                    break;
                case TypeKey:
                    errors.Add(Key, $"Field ticketRelation.type must be one of: {string.Join(", ", Types)}");
                    valid = false;
                    break;
                default:
                    errors.Add(Key, $"Field ticketRelation has an unknown key {property.Name}; it takes objectId and type");
                    valid = false;
                    break;
            }
        }
        if (valid && objectId is null) { errors.Add(Key, "Field ticketRelation.objectId is required"); valid = false; }
        if (valid && type is null) { errors.Add(Key, "Field ticketRelation.type is required"); valid = false; }
        if (valid) relation = new RelationRequest(objectId!, type!);
        return valid;
    }

    /// <summary>Whether the stored relation already is the one sent (re-sending it is not a change, and is not checked again).</summary>
    public static bool SameAs(JsonObject? stored, RelationRequest? sent) =>
        stored is null ? sent is null
            : sent is not null && stored[ObjectIdKey]?.GetValue<string>() == sent.ObjectId && stored[TypeKey]?.GetValue<string>() == sent.Type;

    public static string Unavailable(string objectId) => $"Ticket {objectId} does not exist or you may not read it";
}
