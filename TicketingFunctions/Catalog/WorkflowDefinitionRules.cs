namespace TicketingFunctions.Catalog;

/// <summary>
/// What the catalog loader requires of a ticket type's workflow and SLA policies, so that no ticket can be created in,
/// or moved to, a status its type does not define, and every clock has a category that stops it.
/// </summary>
public static class WorkflowDefinitionRules
{
    /// <summary>Every problem of the type's workflow, initial status and SLA policies; empty when there is none.</summary>
    public static IReadOnlyList<string> Problems(TicketType type)
    {
        var problems = new List<string>();
        var workflow = type.Workflow ?? Workflow.Default;
        if (type.Workflow is not null) CheckWorkflow(type.Workflow, problems);

        if (type.InitialStatus is { } initial && !workflow.Statuses.Any(s => s == initial))
            problems.Add($"initialStatus '{initial.Type}' ({initial.Category}) is not one of the workflow's statuses");

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var policy in type.SlaPolicies ?? [])
        {
            if (string.IsNullOrWhiteSpace(policy.Name)) problems.Add("an SLA policy has no name");
            else if (!names.Add(policy.Name)) problems.Add($"SLA policy '{policy.Name}' is defined twice");
            if (policy.Hours <= 0) problems.Add($"SLA policy '{policy.Name}' must have more than 0 hours");
            if (StatusCategories.Rank(policy.StopsAt ?? "") < 0 && policy.StopsAt != SlaPolicy.FirstPublicReply)
                problems.Add($"SLA policy '{policy.Name}' stops at '{policy.StopsAt}', which is not one of: {string.Join(", ", StatusCategories.All)}, {SlaPolicy.FirstPublicReply}");
        }
        return problems;
    }

    private static void CheckWorkflow(Workflow workflow, List<string> problems)
    {
        if (workflow.Statuses is not { Count: > 0 })
        {
            problems.Add("the workflow has no statuses");
            return;
        }
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var status in workflow.Statuses)
        {
            if (string.IsNullOrWhiteSpace(status.Type)) problems.Add("a workflow status has no type");
            else if (!types.Add(status.Type)) problems.Add($"status '{status.Type}' is defined twice");
            if (StatusCategories.Rank(status.Category ?? "") < 0)
                problems.Add($"status '{status.Type}' has category '{status.Category}', which is not one of: {string.Join(", ", StatusCategories.All)}");
        }
        foreach (var transition in workflow.Transitions ?? [])
        {
            if (!types.Contains(transition.From ?? "")) problems.Add($"a transition starts at '{transition.From}', which is not a status of the workflow");
            if (!types.Contains(transition.To ?? "")) problems.Add($"a transition leads to '{transition.To}', which is not a status of the workflow");
            if (transition.From == transition.To) problems.Add($"a transition leads from '{transition.From}' to itself");
            if (transition.Roles is { Count: 0 }) problems.Add($"the transition from '{transition.From}' to '{transition.To}' lists no roles; leave roles out to allow every write role");
            if (transition.Requester && transition.Roles is null) problems.Add($"the transition from '{transition.From}' to '{transition.To}' allows the requester but lists no roles, so every write role may take it anyway; list the roles besides the requester");
        }
    }
}
