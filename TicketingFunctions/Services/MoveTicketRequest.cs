using System.Text.Json;
using TicketingFunctions.Api;

using TicketingFunctions.Tickets;

namespace TicketingFunctions.Services;

/// <summary>The move request as the function read it: the display id, If-Match, the body and the Idempotency-Key.</summary>
public sealed record MoveTicketRequest(string ObjectId, IfMatch IfMatch, Stream Body, long? ContentLength = null, string? ContentType = null,
    string? IdempotencyKey = null);

/// <summary>A move body that passed validation: the team, the ticket type (the current one when not sent) and the etag (body or If-Match).</summary>
public sealed record MoveTarget(string TeamId, string? ItemTypeId, string? Etag);

/// <summary>The rules of a move body: <c>{"teamId": …, "itemTypeId": … (optional), "etag": … (optional with If-Match)}</c>.</summary>
public static class MoveTicketBody
{
    public const string TeamIdKey = "teamId";
    public const string ItemTypeIdKey = "itemTypeId";
    public const string EtagKey = "etag";

    public static MoveTarget? Validate(JsonElement body, string? headerEtag, ValidationErrors errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "Request body must be a JSON object");
            return null;
        }
        string? teamId = null, itemTypeId = null, etag = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                errors.Add(property.Name, $"Field {property.Name} is given more than once");
                continue;
            }
            switch (property.Name)
            {
                case TeamIdKey: teamId = Text(property, errors); break;
                case ItemTypeIdKey: itemTypeId = property.Value.ValueKind == JsonValueKind.Null ? null : Text(property, errors); break;
                case EtagKey: etag = Text(property, errors); break;
                default:
                    errors.Add(property.Name, $"Field {property.Name} is not part of a move; a move takes teamId, itemTypeId and etag");
                    break;
            }
        }
        if (!seen.Contains(TeamIdKey)) errors.Add(TeamIdKey, "Field teamId is required");
        if (etag is not null && headerEtag is not null && !string.Equals(etag, headerEtag, StringComparison.Ordinal))
            errors.Add(EtagKey, "The etag in the body differs from the If-Match header");
        return errors.Count > 0 ? null : new MoveTarget(teamId!, itemTypeId, etag ?? headerEtag);
    }

    private static string? Text(JsonProperty property, ValidationErrors errors)
    {
        // Its length is bounded by the body reader's longest string; an unknown id is refused by name after.
        if (property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } text) return text;
        errors.Add(property.Name, $"Field {property.Name} must be a non-empty string");
        return null;
    }
}
