using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Attachments;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tickets;

/// <summary>
/// An update body that passed validation. <see cref="Etag"/> is the one the client sent (body or If-Match), or null
/// when it sent none. <see cref="Summary"/> is null when not sent. <see cref="Fields"/> maps field UUIDs to their new
/// value, null to clear an optional field.
/// </summary>
public sealed record TicketUpdate(string? Etag, string? Summary, IReadOnlyList<KeyValuePair<string, JsonNode?>> Fields)
{
    /// <summary>The body's <c>attachments</c> entries (empty when not sent).</summary>
    public IReadOnlyList<AttachmentLinkRequest> AttachmentLinks { get; init; } = [];

    /// <summary>Whether the body sent <c>ticketRelation</c>; <see cref="Relation"/> is then the new one, or null to clear it.</summary>
    public bool RelationSent { get; init; }

    public RelationRequest? Relation { get; init; }

    /// <summary><c>status_type</c> and <c>assignee</c>, validated by <see cref="WorkUpdateValidator"/>; null leaves both as they are.</summary>
    public WorkUpdate? Work { get; init; }
}

/// <summary>
/// Validates a PATCH body <c>{"etag"?, "summary"?, "ticketBody"?: {…}}</c> against the ticket and its type, with
/// create's rules and messages (<see cref="FieldValueValidator"/>). Reports every failure at once, keyed like create.
/// </summary>
public static class TicketUpdateValidator
{
    public const string EtagKey = "etag";
    public const string IfMatchKey = "If-Match";

    public static TicketUpdate? Validate(JsonElement body, string? ifMatch, Ticket current, CatalogIndex catalog, TicketType type, ValidationErrors errors,
        int maxTicketBodyKeys = int.MaxValue)
    {
        var headerEtag = ParseIfMatch(ifMatch, errors);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "Request body must be a JSON object");
            return null;
        }

        JsonElement? etag = null, summary = null, ticketBody = null, attachments = null, relation = null;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case EtagKey: Take(ref etag, property, EtagKey, errors); break;
                case TicketHistory.SummaryKey: Take(ref summary, property, TicketHistory.SummaryKey, errors); break;
                case "ticketBody": Take(ref ticketBody, property, "body", errors); break;
                case Attachments.AttachmentLinks.Key: Take(ref attachments, property, Attachments.AttachmentLinks.Key, errors); break;
                case TicketRelations.Key: Take(ref relation, property, TicketRelations.Key, errors); break;
                case var work when WorkUpdateValidator.IsKey(work): break; // validated by WorkUpdateValidator
                default:
                    if (!errors.ContainsKey(property.Name))
                        errors.Add(property.Name, $"Field {property.Name} can't be updated; an update takes etag, summary, ticketBody, attachments, ticketRelation, status_type and assignee");
                    break;
            }
        }

        var bodyEtag = etag is { } e ? ReadEtag(e, errors) : null;
        if (bodyEtag is not null && headerEtag is not null && !string.Equals(bodyEtag, headerEtag, StringComparison.Ordinal))
            errors.Add(EtagKey, "The etag in the body differs from the If-Match header");

        var summaryText = summary is null ? null : TicketValidator.ValidateSummary(summary, errors);

        IReadOnlyList<KeyValuePair<string, JsonNode?>> fields = [];
        if (ticketBody is { } tb)
        {
            if (tb.ValueKind != JsonValueKind.Object) errors.Add("body", "Field ticketBody must be an object");
            else if (tb.EnumerateObject().Count() > maxTicketBodyKeys) errors.Add("body", $"Field ticketBody has more than {maxTicketBodyKeys} keys");
            else fields = ValidateTicketBody(tb, current, catalog, type, errors);
        }

        var links = attachments is { } a ? Attachments.AttachmentLinks.Parse(a, allowRemove: true, errors) : [];
        RelationRequest? relationRequest = null;
        if (relation is { } r) TicketRelations.TryParse(r, errors, out relationRequest);

        return errors.Count > 0 ? null : new TicketUpdate(bodyEtag ?? headerEtag, summaryText, fields)
        {
            AttachmentLinks = links!,
            RelationSent = relation is not null,
            Relation = relationRequest,
        };
    }

    private static List<KeyValuePair<string, JsonNode?>> ValidateTicketBody(
        JsonElement ticketBody, Ticket current, CatalogIndex catalog, TicketType type, ValidationErrors errors)
    {
        var values = new List<KeyValuePair<string, JsonNode?>>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var fieldErrors = new List<string>();
        var offerSeen = false;

        foreach (var property in ticketBody.EnumerateObject())
        {
            if (property.Name == TicketValidator.OfferIdKey)
            {
                if (offerSeen) { errors.Add(TicketValidator.OfferIdKey, "Field offerId is given more than once"); continue; }
                offerSeen = true;
                // The offer fixes the ticket's type; sending the current one back is not a change.
                var currentOffer = current.Data[TicketValidator.OfferIdKey] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() != currentOffer)
                    errors.Add(TicketValidator.OfferIdKey, "Field offerId can't be changed");
                continue;
            }
            if (WatcherList.IsKey(property.Name))
            {
                if (!seen.Add(property.Name)) errors.Add(property.Name, $"Field {property.Name} is given more than once");
                else if (WatcherList.Validate(property.Name, property.Value, errors) is { } watchers) values.Add(new(property.Name, watchers));
                continue;
            }

            var field = catalog.FindField(type, property.Name);
            if (field is null)
            {
                errors.Add(property.Name, $"Field {property.Name} is not defined for ticket type {type.Name}");
                continue;
            }
            if (!seen.Add(field.Id))
            {
                errors.Add(field.Id, $"Field {field.Name} is given more than once");
                continue;
            }
            if (JsonShape.HasDuplicateKeys(property.Value))
            {
                errors.Add(field.Id, $"Field {field.Name} repeats a key");
                continue;
            }

            fieldErrors.Clear();
            // A JSON null passes only for optional fields (it clears them); required ones get "Field X is required".
            var value = FieldValueValidator.Validate(field, property.Value, fieldErrors);
            if (fieldErrors.Count > 0) errors.AddAll(field.Id, fieldErrors);
            else values.Add(new(field.Id, value));
        }
        return values;
    }

    private static void Take(ref JsonElement? slot, JsonProperty property, string key, ValidationErrors errors)
    {
        if (slot is not null) errors.Add(key, $"Field {property.Name} is given more than once");
        else slot = property.Value;
    }

    private static string? ReadEtag(JsonElement value, ValidationErrors errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String when value.GetString()!.Trim().Length > 0:
                return value.GetString();
            case JsonValueKind.String:
                errors.Add(EtagKey, "Field etag must not be empty");
                return null;
            default:
                errors.Add(EtagKey, "Field etag must be a string");
                return null;
        }
    }

    /// <summary>
    /// The etag of an If-Match header, quoted (<c>"…"</c>, as the ETag header sends it) or not. Only one strong etag
    /// is accepted: <c>*</c> would skip the concurrency check, and a weak etag never matches under If-Match.
    /// </summary>
    public static string? ParseIfMatch(string? header, ValidationErrors errors)
    {
        if (header is null) return null;
        var text = header.Trim();
        string? problem = null;
        if (text.Length == 0) problem = "Header If-Match must not be empty";
        else if (text == "*") problem = "Header If-Match must name the ticket's etag; * is not accepted";
        else if (text.StartsWith("W/", StringComparison.Ordinal)) problem = "Header If-Match must be a strong etag; a weak one (W/) never matches";
        else if (text.Contains(',')) problem = "Header If-Match must name exactly one etag";
        else if (text[0] == '"')
        {
            if (text.Length < 2 || text[^1] != '"' || text[1..^1].Contains('"')) problem = "Header If-Match is not a well-formed etag";
            else if (text[1..^1].Trim().Length == 0) problem = "Header If-Match must not be empty";
            else text = text[1..^1];
        }
        else if (text.Contains('"')) problem = "Header If-Match is not a well-formed etag";

        if (problem is null) return text;
        errors.Add(IfMatchKey, problem);
        return null;
    }
}
