using System.Text.Json.Nodes;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tests.Catalog;

/// <summary>Workflows and SLA policies in the catalog: the loader's checks, the default workflow, the effective type.</summary>
public sealed class WorkflowCatalogTests
{
    private static TicketType Type(Workflow? workflow = null, TicketStatus? initial = null, params SlaPolicy[] policies) =>
        new("1", "Type", "T", ["ticket_user"], initial, [], workflow, policies.Length == 0 ? null : policies);

    private static readonly Workflow Approval = new(
        [new("Pending", StatusCategories.ToDo), new("Approved", StatusCategories.Done)],
        [new("Pending", "Approved", ["tenant_admin"])]);

    /// <summary>Writes a one-tenant catalog with this ticket type (as JSON) and loads it with the catalog loader.</summary>
    private static async Task<CatalogFile> LoadAsync(string ticketTypeJson)
    {
        var file = Path.Combine(Path.GetTempPath(), $"catalog-{Guid.NewGuid():N}.json");
        var catalog = new JsonObject
        {
            ["tenants"] = new JsonArray(new JsonObject
            {
                ["tenantId"] = Guid.NewGuid().ToString(), ["name"] = "T", ["realm"] = "demo", ["teams"] = new JsonArray(),
                ["ticketTypes"] = new JsonArray(JsonNode.Parse(ticketTypeJson)), ["offers"] = new JsonArray(),
            }),
        };
        await File.WriteAllTextAsync(file, catalog.ToJsonString());
        try { return await CatalogFileReader.ReadAsync(file, default); }
        finally { File.Delete(file); }
    }

    private const string TypeHead = "\"id\":\"9\",\"name\":\"Approval\",\"prefix\":\"APR\",\"allowedRoles\":[\"ticket_user\"],\"fields\":[]";

    [Fact]
    public async Task The_loader_refuses_an_initial_status_that_is_not_one_of_the_workflows_statuses()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => LoadAsync("{" + TypeHead + """
            ,"initialStatus":{"type":"Draft","category":"To-do Category"},
             "workflow":{"statuses":[{"type":"Pending","category":"To-do Category"}],"transitions":[]}}
            """));
        Assert.Contains("ticket type 9: initialStatus 'Draft' (To-do Category) is not one of the workflow's statuses", error.Message);

        // Without a workflow of its own, the initial status must be one of the default workflow's.
        var noWorkflow = await Assert.ThrowsAsync<InvalidDataException>(() => LoadAsync("{" + TypeHead + ",\"initialStatus\":{\"type\":\"Pending\",\"category\":\"To-do Category\"}}"));
        Assert.Contains("initialStatus 'Pending'", noWorkflow.Message);
    }

    [Fact]
    public async Task The_loader_takes_a_valid_custom_workflow_with_roles_and_sla_policies()
    {
        var file = await LoadAsync("{" + TypeHead + """
            ,"initialStatus":{"type":"Pending","category":"To-do Category"},
             "workflow":{"statuses":[{"type":"Pending","category":"To-do Category"},{"type":"Approved","category":"Done Category"}],
                         "transitions":[{"from":"Pending","to":"Approved","roles":["tenant_admin"]}]},
             "slaPolicies":[{"name":"Decision","hours":1.5,"stopsAt":"Done Category"}]}
            """);
        var type = file.Tenants[0].TicketTypes[0];
        Assert.Equal(["tenant_admin"], type.Workflow!.Transitions[0].Roles!);
        Assert.Equal(1.5m, type.SlaPolicies![0].Hours);
    }

    [Fact]
    public void Every_problem_of_a_workflow_and_its_policies_is_named()
    {
        var broken = new Workflow(
            [new("A", StatusCategories.ToDo), new("A", StatusCategories.Done), new("B", "Blocked Category")],
            [new("A", "Z"), new("Y", "B"), new("B", "B"), new("A", "B", [])]);
        var problems = WorkflowDefinitionRules.Problems(Type(broken, null,
            new SlaPolicy("Response", 0, StatusCategories.InProgress), new SlaPolicy("Response", 4, "Later")));

        Assert.Equal(
        [
            "status 'A' is defined twice",
            "status 'B' has category 'Blocked Category', which is not one of: To-do Category, In Progress Category, Done Category",
            "a transition leads to 'Z', which is not a status of the workflow",
            "a transition starts at 'Y', which is not a status of the workflow",
            "a transition leads from 'B' to itself",
            "the transition from 'A' to 'B' lists no roles; leave roles out to allow every write role",
            "SLA policy 'Response' must have more than 0 hours",
            "SLA policy 'Response' is defined twice",
            "SLA policy 'Response' stops at 'Later', which is not one of: To-do Category, In Progress Category, Done Category, first_public_reply",
        ], problems);
        Assert.Equal(["the workflow has no statuses"], WorkflowDefinitionRules.Problems(Type(new Workflow([], []))));
    }

    [Fact]
    public async Task The_sample_catalog_loads_and_its_payment_approval_type_has_a_custom_workflow()
    {
        var file = await CatalogFileReader.ReadAsync(CatalogFileReader.SampleCatalogPath, default);
        Assert.All(file.Tenants.SelectMany(t => t.TicketTypes), t => Assert.Empty(WorkflowDefinitionRules.Problems(t)));
        var payment = file.Tenants[0].TicketTypes.Single(t => t.Id == "16912");
        Assert.Equal(["Pending Approval", "Approved", "Rejected"], payment.Workflow!.Statuses.Select(s => s.Type));
    }

    [Fact]
    public void A_type_without_a_workflow_gets_the_default_one_and_its_first_status()
    {
        var effective = Type().Effective();
        Assert.Same(Workflow.Default, effective.Workflow);
        Assert.Equal(new TicketStatus("Open", StatusCategories.ToDo), effective.InitialStatus);
        Assert.Empty(effective.SlaPolicies!);

        Assert.Equal(new TicketStatus("Pending", StatusCategories.ToDo), Type(Approval).Effective().InitialStatus);
        // A stored catalog (not through the loader) with an empty workflow still places tickets.
        Assert.Same(Workflow.Default, Type(new Workflow([], [])).Effective().Workflow);
    }

    [Fact]
    public void The_default_workflow_goes_Open_In_Progress_Resolved_Closed_and_Resolved_reopens_and_agents_do_the_work()
    {
        var agent = new HashSet<string> { "ticket_agent" };
        Assert.Equal(["In Progress", "Cancelled"], Workflow.Default.TargetsFor("Open", agent, isRequester: false));
        Assert.Equal(["Resolved", "Cancelled"], Workflow.Default.TargetsFor("In Progress", agent, isRequester: false));
        Assert.Equal(["Closed", "Open"], Workflow.Default.TargetsFor("Resolved", agent, isRequester: false));
        Assert.Empty(Workflow.Default.TargetsFor("Closed", agent, isRequester: false));
        Assert.Equal([StatusCategories.ToDo, StatusCategories.InProgress, StatusCategories.Done, StatusCategories.Done, StatusCategories.Done],
            Workflow.Default.Statuses.Select(s => s.Category));

        // L4: a requester (ticket_user) never stops a clock as an agent's work; they may reopen, and cancel their own ticket.
        var user = new HashSet<string> { "ticket_user" };
        Assert.Empty(Workflow.Default.TargetsFor("Open", user, isRequester: false));
        Assert.Equal(["Cancelled"], Workflow.Default.TargetsFor("Open", user, isRequester: true));
        Assert.Equal(["Cancelled"], Workflow.Default.TargetsFor("In Progress", user, isRequester: true));
        Assert.Equal(["Open"], Workflow.Default.TargetsFor("Resolved", user, isRequester: true));
        Assert.Equal(["Open"], Workflow.Default.TargetsFor("Resolved", user, isRequester: false));
    }

    [Fact]
    public void A_transition_with_roles_is_reachable_only_with_one_of_them()
    {
        Assert.Empty(Approval.TargetsFor("Pending", new HashSet<string> { "ticket_agent" }, isRequester: true));
        Assert.Equal(["Approved"], Approval.TargetsFor("Pending", new HashSet<string> { "ticket_agent", "tenant_admin" }, isRequester: false));
    }

    [Fact]
    public void A_transition_for_the_requester_must_also_list_roles()
    {
        var type = Type(new Workflow([new("A", StatusCategories.ToDo), new("B", StatusCategories.Done)], [new("A", "B", Requester: true)]));
        Assert.Contains(WorkflowDefinitionRules.Problems(type), p => p.Contains("allows the requester but lists no roles", StringComparison.Ordinal));
    }
}
