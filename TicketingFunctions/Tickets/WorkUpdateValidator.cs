using System.Text.Json;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tickets;

/// <summary>
/// A move from <paramref name="From"/> to <paramref name="To"/> the workflow has but the caller may not take;
/// <paramref name="RequesterMay"/> when its requester could.
/// </summary>
public sealed record RefusedMove(string From, string To, bool RequesterMay);

/// <summary>
/// Validates the update keys that work a ticket: <c>status_type</c> (a transition of the type's workflow that one of
/// the caller's roles may take from the current status) and <c>assignee</c> (<c>{"username":"…"}</c> or null).
/// <c>status_category</c> follows from the status and is refused when sent.
/// </summary>
public static class WorkUpdateValidator
{
    public const string StatusTypeKey = "status_type";
    public const string StatusCategoryKey = "status_category";
    public const string AssigneeKey = "assignee";
    public const int MaxUsernameLength = 255;

    /// <summary>The top-level keys this validator handles, so that the update validator leaves them to it.</summary>
    public static bool IsKey(string name) => name is StatusTypeKey or StatusCategoryKey or AssigneeKey;

    /// <summary>True when the body sends <c>assignee</c> at all: setting and clearing both need <see cref="Permissions.CanAssign"/>.</summary>
    public static bool Assigns(JsonElement body) => body.ValueKind == JsonValueKind.Object && body.TryGetProperty(AssigneeKey, out _);

    /// <summary>
    /// The work part of the update, or null when it has problems (added to <paramref name="errors"/>, keyed by key).
    /// <paramref name="refused"/> is the move (a 403) for one the workflow has but the caller may not take.
    /// </summary>
    public static WorkUpdate? Validate(JsonElement body, Ticket current, TicketType type, Caller caller, ValidationErrors errors, out RefusedMove? refused)
    {
        refused = null;
        if (body.ValueKind != JsonValueKind.Object) return null;
        var before = errors.Count;
        JsonElement? statusType = null, assignee = null;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case StatusTypeKey: Take(ref statusType, property, errors); break;
                case AssigneeKey: Take(ref assignee, property, errors); break;
                case StatusCategoryKey:
                    if (!errors.ContainsKey(StatusCategoryKey))
                        errors.Add(StatusCategoryKey, "Field status_category can't be updated; it follows from status_type");
                    break;
            }
        }

        var status = statusType is { } s ? ValidateStatus(s, current, type.Workflow ?? Workflow.Default, caller, errors, out refused) : null;
        Assignee? newAssignee = null;
        if (assignee is { } a) newAssignee = ValidateAssignee(a, errors);

        if (errors.Count > before) return null;
        return new WorkUpdate(status, assignee is not null, newAssignee, type.SlaPolicies ?? []);
    }

    private static TicketStatus? ValidateStatus(JsonElement value, Ticket current, Workflow workflow, Caller caller, ValidationErrors errors, out RefusedMove? refused)
    {
        refused = null;
        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Trim().Length == 0)
        {
            errors.Add(StatusTypeKey, "Field status_type must name a status");
            return null;
        }
        var target = value.GetString()!;
        if (string.Equals(target, current.StatusType, StringComparison.Ordinal)) return null; // not a move: nothing changes

        var isRequester = TicketFactory.IsRequester(current, caller);
        var reachable = workflow.TargetsFor(current.StatusType, caller.Roles, isRequester);
        var moves = workflow.Find(current.StatusType, target);
        if (moves.Count > 0 && workflow.FindStatus(target) is not null && !reachable.Contains(target, StringComparer.Ordinal))
        {
            // The workflow has the move, but not for this caller: a refusal of the caller, not of the body.
            refused = new RefusedMove(current.StatusType, target, moves.Any(m => m.Requester));
            return null;
        }
        if (!reachable.Contains(target, StringComparer.Ordinal) || workflow.FindStatus(target) is not { } status)
        {
            errors.Add(StatusTypeKey, reachable.Count == 0
                ? $"Ticket can't move from {current.StatusType} to {target}; with your roles it can't move from {current.StatusType} at all"
                : $"Ticket can't move from {current.StatusType} to {target}; with your roles it can move to: {string.Join(", ", reachable)}");
            return null;
        }
        return status;
    }

    private static Assignee? ValidateAssignee(JsonElement value, ValidationErrors errors)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        const string shape = "Field assignee must be null or an object {\"username\": \"…\"}";
        if (value.ValueKind != JsonValueKind.Object || value.GetPropertyCount() != 1 || !value.TryGetProperty("username", out var username))
        {
            errors.Add(AssigneeKey, shape);
            return null;
        }
        if (username.ValueKind != JsonValueKind.String || username.GetString()!.Trim().Length == 0)
        {
            errors.Add(AssigneeKey, "Field assignee.username must be a non-empty string");
            return null;
        }
        if (!IdentityText.IsClean(username.GetString()!))
        {
            errors.Add(AssigneeKey, "Field assignee.username must not contain control, invisible or bidi characters");
            return null;
        }
        // Counted in code points, as the OpenAPI document's maxLength counts.
        if (TextLength.Exceeds(username.GetString()!, MaxUsernameLength))
        {
            errors.Add(AssigneeKey, $"Field assignee.username must be at most {MaxUsernameLength} characters long");
            return null;
        }
        return new Assignee(username.GetString()!);
    }

    private static void Take(ref JsonElement? slot, JsonProperty property, ValidationErrors errors)
    {
        if (slot is not null) errors.Add(property.Name, $"Field {property.Name} is given more than once");
        else slot = property.Value;
    }
}
