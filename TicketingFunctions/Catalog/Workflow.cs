using System.Text.Json.Serialization;

namespace TicketingFunctions.Catalog;

/// <summary>
/// A ticket type's statuses and the moves between them. A transition without <see cref="WorkflowTransition.Roles"/>
/// may be taken by any write role; with them, only by a caller holding one of them.
/// </summary>
public sealed record Workflow(
    [property: JsonPropertyName("statuses")] IReadOnlyList<TicketStatus> Statuses,
    [property: JsonPropertyName("transitions")] IReadOnlyList<WorkflowTransition> Transitions)
{
    /// <summary>The workflow of a type that defines none: Open → In Progress → Resolved → Closed, and Resolved → Open reopens.</summary>
    public static readonly Workflow Default = new(
        [
            new("Open", StatusCategories.ToDo),
            new("In Progress", StatusCategories.InProgress),
            new("Resolved", StatusCategories.Done),
            new("Closed", StatusCategories.Done),
        ],
        [
            new("Open", "In Progress"),
            new("In Progress", "Resolved"),
            new("Resolved", "Closed"),
            new("Resolved", "Open"),
        ]);

    public TicketStatus? FindStatus(string type)
    {
        foreach (var status in Statuses)
            if (string.Equals(status.Type, type, StringComparison.Ordinal)) return status;
        return null;
    }

    /// <summary>The statuses a caller with <paramref name="roles"/> may move a ticket to from <paramref name="from"/>, in catalog order.</summary>
    public IReadOnlyList<string> TargetsFor(string from, IReadOnlySet<string> roles)
    {
        var targets = new List<string>();
        foreach (var transition in Transitions)
            if (string.Equals(transition.From, from, StringComparison.Ordinal) && transition.AllowsAny(roles) && !targets.Contains(transition.To))
                targets.Add(transition.To);
        return targets;
    }
}

public sealed record WorkflowTransition(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("roles"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Roles = null)
{
    public bool AllowsAny(IReadOnlySet<string> roles)
    {
        if (Roles is null) return true;
        foreach (var role in Roles)
            if (roles.Contains(role)) return true;
        return false;
    }
}

/// <summary>The three status categories, named as the contract's example names them, in the order a ticket normally passes them.</summary>
public static class StatusCategories
{
    public const string ToDo = "To-do Category";
    public const string InProgress = "In Progress Category";
    public const string Done = "Done Category";

    public static readonly IReadOnlyList<string> All = [ToDo, InProgress, Done];

    /// <summary>0 for To-do, 1 for In Progress, 2 for Done, -1 for anything else.</summary>
    public static int Rank(string category) => category switch
    {
        ToDo => 0,
        InProgress => 1,
        Done => 2,
        _ => -1,
    };
}
