using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Attachments;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tickets;

/// <summary>
/// A create body that passed validation, with defaults applied. <see cref="Attachments"/> and <see cref="TicketRelation"/>
/// are what the ticket stores once the service has resolved <see cref="AttachmentLinks"/> and <see cref="Relation"/>.
/// </summary>
public sealed record ValidatedTicket(
    string Source,
    string Summary,
    string OfferId,
    IReadOnlyList<KeyValuePair<string, JsonNode?>> Values,
    IReadOnlyList<AttachmentLinkRequest> AttachmentLinks,
    RelationRequest? Relation)
{
    public JsonObject Attachments { get; init; } = [];
    public JsonObject? TicketRelation { get; init; }
}

/// <summary>Validates a create-ticket body against the tenant's catalog. Reports every failure at once.</summary>
public static class TicketValidator
{
    public const int SummaryMaxLength = 255;
    public const string OfferIdKey = "offerId";

    public static ValidatedTicket? Validate(JsonElement body, CatalogIndex catalog, TicketType type, ValidationErrors errors, int maxTicketBodyKeys = int.MaxValue)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "Request body must be a JSON object");
            return null;
        }

        JsonElement? source = null, summary = null, ticketBody = null, attachments = null, ticketRelation = null;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "source": if (!Take(ref source, property, errors)) continue; break;
                case "summary": if (!Take(ref summary, property, errors)) continue; break;
                case "ticketBody": if (!Take(ref ticketBody, property, errors, "body")) continue; break;
                case "attachments": if (!Take(ref attachments, property, errors)) continue; break;
                case "ticketRelation": if (!Take(ref ticketRelation, property, errors)) continue; break;
            }
        }

        var sourceText = RequiredString(source, "source", errors);
        var summaryText = ValidateSummary(summary, errors);

        // Their shapes only; which uploads and which ticket they name is checked against the stores by the service.
        IReadOnlyList<AttachmentLinkRequest>? links = null;
        if (attachments is null) errors.Add(AttachmentLinks.Key, "Field attachments is required");
        else links = AttachmentLinks.Parse(attachments.Value, allowRemove: false, errors);

        RelationRequest? relation = null;
        if (ticketRelation is null) errors.Add(TicketRelations.Key, "Field ticketRelation is required");
        else TicketRelations.TryParse(ticketRelation.Value, errors, out relation);

        string? offerId = null;
        List<KeyValuePair<string, JsonNode?>>? values = null;
        if (ticketBody is null) errors.Add("body", "Field ticketBody is required");
        else if (ticketBody.Value.ValueKind != JsonValueKind.Object) errors.Add("body", "Field ticketBody must be an object");
        else if (ticketBody.Value.GetPropertyCount() > maxTicketBodyKeys) errors.Add("body", $"Field ticketBody has more than {maxTicketBodyKeys} keys");
        else values = ValidateTicketBody(ticketBody.Value, catalog, type, errors, out offerId);

        if (errors.Count > 0) return null;
        return new ValidatedTicket(sourceText!, summaryText!, offerId!, values!, links!, relation);
    }

    internal static string OutOfRange(string name) => $"Field {name} holds a number outside the range of a double";

    private static List<KeyValuePair<string, JsonNode?>> ValidateTicketBody(
        JsonElement ticketBody, CatalogIndex catalog, TicketType type, ValidationErrors errors, out string? offerId)
    {
        offerId = null;
        var values = new List<KeyValuePair<string, JsonNode?>>(type.Fields?.Count ?? 0);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var fieldErrors = new List<string>();
        var offerSeen = false;

        foreach (var property in ticketBody.EnumerateObject())
        {
            if (property.Name == OfferIdKey)
            {
                if (offerSeen) { errors.Add(OfferIdKey, "Field offerId is given more than once"); continue; }
                offerSeen = true;
                offerId = ValidateOffer(property.Value, catalog, type, errors);
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

            fieldErrors.Clear();
            var value = FieldValueValidator.Validate(field, property.Value, fieldErrors);
            if (fieldErrors.Count > 0) errors.AddAll(field.Id, fieldErrors);
            else values.Add(new(field.Id, value));
        }

        if (!offerSeen) errors.Add(OfferIdKey, "Field offerId is required");

        foreach (var field in type.Fields ?? [])
        {
            if (seen.Contains(field.Id)) continue;
            if (TryDefault(field, out var defaultValue))
                values.Add(new(field.Id, defaultValue));
            else if (field.Required)
                errors.Add(field.Id, FieldValueValidator.RequiredMessage(field));
        }
        return values;
    }

    private static string? ValidateOffer(JsonElement value, CatalogIndex catalog, TicketType type, ValidationErrors errors)
    {
        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
        {
            errors.Add(OfferIdKey, value.ValueKind == JsonValueKind.String ? "Field offerId is required" : "Field offerId must be a string");
            return null;
        }
        var id = value.GetString()!;
        var offer = catalog.FindOffer(id);
        if (offer is null)
        {
            errors.Add(OfferIdKey, $"Offer {id} does not exist");
            return null;
        }
        if (offer.ItemType != type.Id)
        {
            errors.Add(OfferIdKey, $"Offer {id} is for item type {offer.ItemType}, not {type.Id}");
            return null;
        }
        return id;
    }

    /// <summary>A field left out takes its defaultValue, when that default is itself valid.</summary>
    private static bool TryDefault(FieldDefinition field, out JsonNode? value)
    {
        value = null;
        if (field.DefaultValue is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return false;
        var errors = new List<string>();
        value = FieldValueValidator.Validate(field, element, errors);
        return errors.Count == 0 && value is not null;
    }

    private static bool Take(ref JsonElement? slot, JsonProperty property, ValidationErrors errors, string? key = null)
    {
        if (slot is not null)
        {
            errors.Add(key ?? property.Name, $"Field {property.Name} is given more than once");
            return false;
        }
        slot = property.Value;
        return true;
    }

    /// <summary>The summary rules, shared by create and update: a required non-empty string of at most 255 characters (code points).</summary>
    internal static string? ValidateSummary(JsonElement? summary, ValidationErrors errors)
    {
        var text = RequiredString(summary, "summary", errors);
        if (text is not null && TextLength.Exceeds(text, SummaryMaxLength))
        {
            errors.Add("summary", $"Field summary must be at most {SummaryMaxLength} characters long");
            return null;
        }
        return text;
    }

    private static string? RequiredString(JsonElement? value, string key, ValidationErrors errors)
    {
        if (value is null || value.Value.ValueKind == JsonValueKind.Null || (value.Value.ValueKind == JsonValueKind.String && value.Value.GetString()!.Trim().Length == 0))
        {
            errors.Add(key, $"Field {key} is required");
            return null;
        }
        if (value.Value.ValueKind != JsonValueKind.String)
        {
            errors.Add(key, $"Field {key} must be a string");
            return null;
        }
        return value.Value.GetString();
    }
}
