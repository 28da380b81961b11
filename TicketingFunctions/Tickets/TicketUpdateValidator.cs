using System.Text.Json;
using System.Text.Json.Nodes;
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
/// Validates a PATCH body <c>{"etag"?, "summary"?, "ticketBody"?: {…}}</c> against the ticket and its type: its
/// envelope here, its <c>ticketBody</c> with create's rules and messages (<see cref="TicketBodyValidator"/>,
/// <see cref="TicketBodyMode.Update"/>). Reports every failure at once, keyed like create.
/// </summary>
public static class TicketUpdateValidator
{
    public const string EtagKey = "etag";

    /// <param name="headerEtag">The If-Match header's etag (<see cref="IfMatch"/>), its problem already among <paramref name="errors"/>.</param>
    public static TicketUpdate? Validate(JsonElement body, string? headerEtag, Ticket current, CatalogIndex catalog, TicketType type, ValidationErrors errors,
        int maxTicketBodyKeys = int.MaxValue)
    {
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
                case AttachmentLinks.Key: Take(ref attachments, property, AttachmentLinks.Key, errors); break;
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
            var currentOffer = current.Data[TicketBodyValidator.OfferIdKey] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            fields = TicketBodyValidator.Validate(tb, TicketBodyMode.Update, catalog, type, currentOffer, errors, maxTicketBodyKeys, out _) ?? [];
        }

        var links = attachments is { } a ? AttachmentLinks.Parse(a, allowRemove: true, errors) : [];
        RelationRequest? relationRequest = null;
        if (relation is { } r) TicketRelations.TryParse(r, errors, out relationRequest);

        return errors.Count > 0 ? null : new TicketUpdate(bodyEtag ?? headerEtag, summaryText, fields)
        {
            AttachmentLinks = links!,
            RelationSent = relation is not null,
            Relation = relationRequest,
        };
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
}
