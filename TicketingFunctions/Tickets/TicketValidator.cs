using System.Text.Json;
using System.Text.Json.Nodes;
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

/// <summary>
/// Validates a create-ticket body against the tenant's catalog: its envelope here, its <c>ticketBody</c> by
/// <see cref="TicketBodyValidator"/> (<see cref="TicketBodyMode.Create"/>). Reports every failure at once.
/// </summary>
public static class TicketValidator
{
    public const int SummaryMaxLength = 255;
    public const string OfferIdKey = TicketBodyValidator.OfferIdKey;

    public static ValidatedTicket? Validate(JsonElement body, CatalogIndex catalog, TicketType type, ValidationErrors errors, int maxTicketBodyKeys = int.MaxValue)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "Request body must be a JSON object");
            return null;
        }

        JsonElement? source = null, summary = null, ticketBody = null, attachments = null, ticketRelation = null;
        // NameEquals compares the (unescaped) name in place: reading Name made a string of every property's name.
        foreach (var property in body.EnumerateObject())
        {
            if (property.NameEquals("source")) Take(ref source, property, errors);
            else if (property.NameEquals("summary")) Take(ref summary, property, errors);
            else if (property.NameEquals("ticketBody")) Take(ref ticketBody, property, errors, "body");
            else if (property.NameEquals("attachments")) Take(ref attachments, property, errors);
            else if (property.NameEquals("ticketRelation")) Take(ref ticketRelation, property, errors);
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
        else values = TicketBodyValidator.Validate(ticketBody.Value, TicketBodyMode.Create, catalog, type, null, errors, maxTicketBodyKeys, out offerId);

        if (errors.Count > 0) return null;
        return new ValidatedTicket(sourceText!, summaryText!, offerId!, values!, links!, relation);
    }

    internal static string OutOfRange(string name) => $"Field {name} holds a number outside the range of a double";

    private static void Take(ref JsonElement? slot, JsonProperty property, ValidationErrors errors, string? key = null)
    {
        if (slot is not null) errors.Add(key ?? property.Name, $"Field {property.Name} is given more than once");
        else slot = property.Value;
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
        var text = value?.ValueKind == JsonValueKind.String ? value.Value.GetString()! : null;
        if (value is null || value.Value.ValueKind == JsonValueKind.Null || (text is not null && text.Trim().Length == 0))
        {
            errors.Add(key, $"Field {key} is required");
            return null;
        }
        if (text is null)
        {
            errors.Add(key, $"Field {key} must be a string");
            return null;
        }
        return text;
    }
}
