using System.Text;
using System.Text.Json;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Api;

/// <summary>
/// A subscription's body (create: <c>url</c> required; update: only the members sent change), read and checked; every
/// problem is keyed by its member, and an unknown member is refused. The URL's syntax is checked here; where it
/// resolves to is the service's check.
/// </summary>
public sealed record WebhookBody
{
    public const string UrlMember = "url";
    public const string DescriptionMember = "description";
    public const string EventTypesMember = "eventTypes";
    public const string TeamIdsMember = "teamIds";
    public const string IncludeDataMember = "includeData";
    public const int MaxUrlLength = 2048;
    public const int MaxDescriptionLength = 500;
    public const int MaxTeams = 50;
    public const int MaxTeamIdLength = 256;

    public Uri? Url { get; init; }
    public string? Description { get; init; }
    public bool DescriptionSent { get; init; }
    public IReadOnlyList<string>? EventTypes { get; init; }
    public IReadOnlyList<string>? TeamIds { get; init; }
    public bool? IncludeData { get; init; }

    public static WebhookBody Read(JsonElement root, bool create, ValidationErrors errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "The body must be a JSON object");
            return new WebhookBody();
        }
        var body = new WebhookBody();
        foreach (var member in root.EnumerateObject())
        {
            var value = member.Value;
            switch (member.Name)
            {
                case UrlMember:
                    body = body with { Url = ReadUrl(value, errors) };
                    break;
                case DescriptionMember when value.ValueKind == JsonValueKind.Null:
                    body = body with { DescriptionSent = true };
                    break;
                case DescriptionMember when value.ValueKind == JsonValueKind.String && !TextLength.Exceeds(value.GetString(), MaxDescriptionLength):
                    body = body with { Description = value.GetString(), DescriptionSent = true };
                    break;
                case DescriptionMember:
                    errors.Add(DescriptionMember, $"description must be a string of at most {MaxDescriptionLength} characters, or null");
                    break;
                case EventTypesMember:
                    body = body with { EventTypes = ReadList(value, EventTypesMember, TicketEventTypes.All.Count, 64, errors, type =>
                        TicketEventTypes.IsKnown(type) ? null : $"{type} is not an event type; the types are {string.Join(", ", TicketEventTypes.All)}") };
                    break;
                case TeamIdsMember:
                    body = body with { TeamIds = ReadList(value, TeamIdsMember, MaxTeams, MaxTeamIdLength, errors, _ => null) };
                    break;
                case IncludeDataMember when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    body = body with { IncludeData = value.GetBoolean() };
                    break;
                case IncludeDataMember:
                    errors.Add(IncludeDataMember, "includeData must be true or false");
                    break;
                default:
                    errors.Add(member.Name, $"{member.Name} is not a member of a webhook subscription");
                    break;
            }
        }
        if (create && body.Url is null && !errors.ContainsKey(UrlMember)) errors.Add(UrlMember, "url is required");
        return body;
    }

    private static Uri? ReadUrl(JsonElement value, ValidationErrors errors)
    {
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 and <= MaxUrlLength } text)
        {
            errors.Add(UrlMember, $"url must be an absolute https URL of at most {MaxUrlLength} characters");
            return null;
        }
        if (!Ascii.IsValid(text) || text.Any(char.IsControl) || text.Contains(' '))
        {
            errors.Add(UrlMember, "url must be printable ASCII (percent-encode other characters)");
            return null;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.Host.Length == 0)
        {
            errors.Add(UrlMember, "url must be an absolute https URL");
            return null;
        }
        if (url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            errors.Add(UrlMember, "url must have no user name, password or fragment");
            return null;
        }
        return url;
    }

    private static List<string>? ReadList(JsonElement value, string name, int maxItems, int maxLength, ValidationErrors errors, Func<string, string?> check)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > maxItems)
        {
            errors.Add(name, $"{name} must be an array of at most {maxItems} strings (empty: all)");
            return null;
        }
        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } text || TextLength.Exceeds(text, maxLength))
            {
                errors.Add(name, $"{name} must hold non-empty strings of at most {maxLength} characters");
                return null;
            }
            if (check(text) is { } problem)
            {
                errors.Add(name, problem);
                return null;
            }
            if (!list.Contains(text, StringComparer.Ordinal)) list.Add(text);
        }
        return list;
    }
}
