using System.Text.Json.Serialization;

namespace TicketingFunctions.Catalog;

/// <summary>
/// A ticket type's statuses and the moves between them. A transition without <see cref="WorkflowTransition.Roles"/>
/// may be taken by any write role; with them, only by a caller holding one of them, or, when it says
/// <see cref="WorkflowTransition.Requester"/>, by the ticket's requester too. <see cref="Find"/> and
/// <see cref="WorkflowTransition.Allows"/> are the one place a move is judged.
/// </summary>
public sealed record Workflow(
    [property: JsonPropertyName("statuses")] IReadOnlyList<TicketStatus> Statuses,
    [property: JsonPropertyName("transitions")] IReadOnlyList<WorkflowTransition> Transitions)
{
    /// <summary>
    /// The workflow of a type that defines none: Open → In Progress → Resolved → Closed, Resolved → Open reopens, and
    /// Open or In Progress → Cancelled. The moves that stop clocks as an agent's work (starting work, resolving,
    /// closing) are the agents'; the requester may cancel their own ticket, and anyone who may write may reopen.
    /// </summary>
    public static readonly Workflow Default = new(
        [
            new("Open", StatusCategories.ToDo),
            new("In Progress", StatusCategories.InProgress),
            new("Resolved", StatusCategories.Done),
            new("Closed", StatusCategories.Done),
            new("Cancelled", StatusCategories.Done),
        ],
        [
            new("Open", "In Progress", Auth.Permissions.AgentRoles),
            new("In Progress", "Resolved", Auth.Permissions.AgentRoles),
            new("Resolved", "Closed", Auth.Permissions.AgentRoles),
            new("Resolved", "Open"),
            new("Open", "Cancelled", Auth.Permissions.AgentRoles, Requester: true),
            new("In Progress", "Cancelled", Auth.Permissions.AgentRoles, Requester: true),
        ]);

    public TicketStatus? FindStatus(string type)
    {
        foreach (var status in Statuses)
            if (string.Equals(status.Type, type, StringComparison.Ordinal)) return status;
        return null;
    }

    /// <summary>
    /// The statuses a caller with <paramref name="roles"/> may move a ticket to from <paramref name="from"/>, in catalog
    /// order; <paramref name="isRequester"/> when the caller is the ticket's requester.
    /// </summary>
    public IReadOnlyList<string> TargetsFor(string from, IReadOnlySet<string> roles, bool isRequester)
    {
        var targets = new List<string>();
        foreach (var transition in Transitions)
            if (string.Equals(transition.From, from, StringComparison.Ordinal) && transition.Allows(roles, isRequester) && !targets.Contains(transition.To))
                targets.Add(transition.To);
        return targets;
    }

    /// <summary>The transitions from <paramref name="from"/> to <paramref name="to"/>, whoever may take them (a catalog may list one move twice, for different roles).</summary>
    public IReadOnlyList<WorkflowTransition> Find(string from, string to)
    {
        var found = new List<WorkflowTransition>(1);
        foreach (var transition in Transitions)
            if (string.Equals(transition.From, from, StringComparison.Ordinal) && string.Equals(transition.To, to, StringComparison.Ordinal))
                found.Add(transition);
        return found;
    }
}

/// <summary>
/// One move of a workflow. <see cref="Roles"/>: who may take it (null: every write role). <see cref="Requester"/>: the
/// ticket's requester (the caller whose identity, issuer and subject, created it) may take it too, whatever their roles.
/// </summary>
public sealed record WorkflowTransition(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("roles"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Roles = null,
    [property: JsonPropertyName("requester"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Requester = false)
{
    public bool Allows(IReadOnlySet<string> roles, bool isRequester)
    {
        if (Roles is null || (Requester && isRequester)) return true;
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
