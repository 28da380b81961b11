using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tickets;

/// <summary>
/// Validates a <c>ticketBody</c> against the ticket type's fields, for create and update alike, with one set of rules
/// and messages: each key once (field ids compared ignoring case), no key repeated inside a value, each value by
/// <see cref="FieldValueValidator"/>, watchers by <see cref="WatcherList"/>. The modes differ only where the
/// contract does (<see cref="TicketBodyMode"/>). Every failure is reported, keyed by field id.
/// </summary>
public static class TicketBodyValidator
{
    public const string OfferIdKey = "offerId";

    /// <summary>
    /// The values to store (field id → value; null clears an optional field on update), or null when the body is not an
    /// object or has too many keys. <paramref name="offerId"/> is the offer the body names (create) or repeats (update).
    /// </summary>
    public static List<KeyValuePair<string, JsonNode?>>? Validate(JsonElement ticketBody, TicketBodyMode mode, CatalogIndex catalog, TicketType type,
        string? currentOfferId, ValidationErrors errors, int maxKeys, out string? offerId)
    {
        offerId = null;
        if (ticketBody.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "Field ticketBody must be an object");
            return null;
        }
        if (ticketBody.GetPropertyCount() > maxKeys)
        {
            errors.Add("body", $"Field ticketBody has more than {maxKeys} keys");
            return null;
        }

        var values = new List<KeyValuePair<string, JsonNode?>>(mode == TicketBodyMode.Create ? type.Fields?.Count ?? 0 : 0);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var fieldErrors = new List<string>();
        var offerSeen = false;

        foreach (var property in ticketBody.EnumerateObject())
        {
            var name = property.Name;   // read once: each read of Name is a new string
            if (name == OfferIdKey)
            {
                if (offerSeen) { errors.Add(OfferIdKey, "Field offerId is given more than once"); continue; }
                offerSeen = true;
                offerId = mode == TicketBodyMode.Create
                    ? ValidateOffer(property.Value, catalog, type, errors)
                    : ValidateUnchangedOffer(property.Value, currentOfferId, errors);
                continue;
            }
            if (WatcherList.IsKey(name))
            {
                if (!seen.Add(name)) errors.Add(name, $"Field {name} is given more than once");
                else if (WatcherList.Validate(name, property.Value, errors) is { } watchers) values.Add(new(name, watchers));
                continue;
            }

            var field = catalog.FindField(type, name);
            if (field is null)
            {
                errors.Add(name, $"Field {name} is not defined for ticket type {type.Name}");
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
            // A JSON null passes only for optional fields (on update it clears them); required ones get "Field X is required".
            var value = FieldValueValidator.Validate(field, property.Value, fieldErrors);
            if (fieldErrors.Count > 0) errors.AddAll(field.Id, fieldErrors);
            else values.Add(new(field.Id, value));
        }

        if (mode == TicketBodyMode.Create) AddDefaultsAndRequire(type, seen, offerSeen, values, errors);
        return values;
    }

    private static void AddDefaultsAndRequire(TicketType type, HashSet<string> seen, bool offerSeen, List<KeyValuePair<string, JsonNode?>> values,
        ValidationErrors errors)
    {
        if (!offerSeen) errors.Add(OfferIdKey, "Field offerId is required");
        foreach (var field in type.Fields ?? [])
        {
            if (seen.Contains(field.Id)) continue;
            if (TryDefault(field, out var defaultValue))
                values.Add(new(field.Id, defaultValue));
            else if (field.Required)
                errors.Add(field.Id, FieldValueValidator.RequiredMessage(field));
        }
    }

    private static string? ValidateOffer(JsonElement value, CatalogIndex catalog, TicketType type, ValidationErrors errors)
    {
        var id = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        if (string.IsNullOrEmpty(id))
        {
            errors.Add(OfferIdKey, id is not null ? "Field offerId is required" : "Field offerId must be a string");
            return null;
        }
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

    // The offer fixes the ticket's type; sending the current one back is not a change.
    private static string? ValidateUnchangedOffer(JsonElement value, string? currentOfferId, ValidationErrors errors)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() == currentOfferId) return currentOfferId;
        errors.Add(OfferIdKey, "Field offerId can't be changed");
        return null;
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
}
