using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tickets;

/// <summary>Checks one ticketBody value against its field definition; the messages are the contract's wording.</summary>
public static class FieldValueValidator
{
    private static readonly string[] IsoDateFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm",
    ];

    public static string RequiredMessage(FieldDefinition field) => $"Field {field.Name} is required";

    /// <summary>
    /// Validates <paramref name="value"/> and returns the value to store, or adds messages to
    /// <paramref name="errors"/> and returns null. A JSON null is allowed only for optional fields.
    /// </summary>
    public static JsonNode? Validate(FieldDefinition field, JsonElement value, List<string> errors)
    {
        // A string value is read once (each GetString is a new string): the checks and the stored value share it.
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        if (value.ValueKind == JsonValueKind.Null || IsEmpty(value, text))
        {
            if (field.Required)
            {
                errors.Add(RequiredMessage(field));
                return null;
            }
            if (value.ValueKind == JsonValueKind.Null) return null;
            // Note 3: an empty string is never a date, even where the template defaults to "".
            if (field.Type == FieldTypes.Date) { errors.Add(InvalidDate(field)); return null; }
            if (field.Type == FieldTypes.Number) { errors.Add(InvalidNumber(field)); return null; }
            if (field.Type == FieldTypes.Checkbox) { errors.Add(InvalidCheckbox(field)); return null; }
            if (field.Type == FieldTypes.Email && text is not null) { errors.Add(InvalidEmail(field)); return null; }
            return JsonValue(value, text);
        }

        switch (field.Type)
        {
            case FieldTypes.Text:
            case FieldTypes.Textarea:
            case FieldTypes.RichText:
                if (text is null)
                {
                    errors.Add($"You have entered an invalid value for {field.Name}, expects a string");
                    return null;
                }
                if (field.MaxLength is { } maxLength && TextLength.Exceeds(text, maxLength))
                {
                    errors.Add($"Field {field.Name} must be at most {maxLength} characters long");
                    return null;
                }
                // Plain text is stored verbatim (clients encode it when rendering); rich text is cleaned here.
                return System.Text.Json.Nodes.JsonValue.Create(field.Type == FieldTypes.RichText ? RichTextSanitizer.Sanitize(text) : text);

            case FieldTypes.Number:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
                {
                    errors.Add(InvalidNumber(field));
                    return null;
                }
                if (field.Min is { } min && number < min) { errors.Add($"Field {field.Name} must be at least {min.ToString(CultureInfo.InvariantCulture)}"); return null; }
                if (field.Max is { } max && number > max) { errors.Add($"Field {field.Name} must be at most {max.ToString(CultureInfo.InvariantCulture)}"); return null; }
                return JsonValue(value);

            case FieldTypes.Date:
                if (text is null || !IsIsoDate(text))
                {
                    errors.Add(InvalidDate(field));
                    return null;
                }
                return JsonValue(value, text);

            case FieldTypes.Select:
                if (text is null || !(field.Options ?? []).Contains(text, StringComparer.Ordinal))
                {
                    errors.Add($"You have selected an invalid option for {field.Name}, expects one of: {string.Join(", ", field.Options ?? [])}");
                    return null;
                }
                return JsonValue(value, text);

            case FieldTypes.MultiSelect:
                if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v =>
                        v.ValueKind != JsonValueKind.String || !(field.Options ?? []).Contains(v.GetString()!, StringComparer.Ordinal)))
                {
                    errors.Add($"You have selected an invalid option for {field.Name}, expects a list of: {string.Join(", ", field.Options ?? [])}");
                    return null;
                }
                if (HasRepeatedOption(value))
                {
                    errors.Add($"Field {field.Name} selects an option more than once");
                    return null;
                }
                return JsonValue(value);

            case FieldTypes.Checkbox:
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add(InvalidCheckbox(field));
                    return null;
                }
                return JsonValue(value);

            case FieldTypes.Email:
                if (text is null || !IsEmail(text))
                {
                    errors.Add(InvalidEmail(field));
                    return null;
                }
                return JsonValue(value, text);

            default:
                // A catalog may carry types this version does not know; their values are stored as sent, if readable.
                if (JsonNumbers.HasOutOfRange(value))
                {
                    errors.Add(TicketValidator.OutOfRange(field.Name));
                    return null;
                }
                return JsonValue(value);
        }
    }

    public static bool IsIsoDate(string text) =>
        DateTimeOffset.TryParseExact(text, IsoDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

    /// <summary>The longest address SMTP can carry (RFC 5321: a 256-octet path less its angle brackets) and the longest local part.</summary>
    public const int MaxEmailLength = 254, MaxEmailLocalPartLength = 64;

    /// <summary>The email rule of email fields, shared with <see cref="WatcherList"/>.</summary>
    internal static bool IsEmail(string text)
    {
        if (TextLength.Exceeds(text, MaxEmailLength)) return false;
        var at = text.LastIndexOf('@');
        if (at <= 0 || TextLength.Exceeds(text.AsSpan(0, at), MaxEmailLocalPartLength)) return false;
        // No invisible or bidi characters and no IP-literal domain (IdentityText): an address must read as what it is.
        return IdentityText.IsClean(text) && MailAddress.TryCreate(text, out var address) && address.Address == text
            && address.Host.Contains('.') && !IdentityText.IsIpLiteral(address.Host);
    }

    private static bool HasRepeatedOption(JsonElement array)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in array.EnumerateArray())
            if (!seen.Add(option.GetString()!)) return true;
        return false;
    }

    private static string InvalidEmail(FieldDefinition field) => $"You have entered an invalid email address for {field.Name}";

    private static bool IsEmpty(JsonElement value, string? text) => value.ValueKind switch
    {
        JsonValueKind.String => text!.Trim().Length == 0,
        JsonValueKind.Array => value.GetArrayLength() == 0,
        _ => false,
    };

    private static string InvalidDate(FieldDefinition field) =>
        $"You have entered an invalid date value for {field.Name}, expects a proper date string";

    private static string InvalidNumber(FieldDefinition field) =>
        $"You have entered an invalid number value for {field.Name}, expects a number";

    private static string InvalidCheckbox(FieldDefinition field) =>
        $"You have entered an invalid value for {field.Name}, expects true or false";

    private static JsonNode? JsonValue(JsonElement value) => JsonSerializerNodes.ToNode(value);

    /// <summary>As <see cref="JsonSerializerNodes.ToNode"/> gives it, from the string already read when there is one.</summary>
    private static JsonNode? JsonValue(JsonElement value, string? text) =>
        text is null ? JsonSerializerNodes.ToNode(value) : System.Text.Json.Nodes.JsonValue.Create(text);
}

internal static class JsonSerializerNodes
{
    public static JsonNode? ToNode(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(value.Clone()),
        JsonValueKind.Array => JsonArray.Create(value.Clone()),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        // Strings and booleans as plain values: a clone copies the element into a document of its own.
        JsonValueKind.String => System.Text.Json.Nodes.JsonValue.Create(value.GetString()),
        JsonValueKind.True => System.Text.Json.Nodes.JsonValue.Create(true),
        JsonValueKind.False => System.Text.Json.Nodes.JsonValue.Create(false),
        // Numbers keep their exact text.
        _ => System.Text.Json.Nodes.JsonValue.Create(value.Clone()),
    };
}
