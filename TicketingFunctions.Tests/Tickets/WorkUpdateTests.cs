using System.Text.Json;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Tickets;

/// <summary>status_type and assignee: validation, and what a move does to category, resolved_at, metrics and clocks.</summary>
public sealed class WorkUpdateTests
{
    private static readonly DateTimeOffset Created = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly SlaPolicy[] Policies =
    [
        new("First response", 4, StatusCategories.InProgress),
        new("Resolution", 48, StatusCategories.Done),
    ];
    private static readonly TicketType Type = new TicketType("1", "Incident", "REQ", ["ticket_user"], null, [], null, Policies).Effective();

    private static Caller Caller(params string[] roles) =>
        new("t", "demo", "u", null, null, null, new HashSet<string>(roles), new HashSet<string>(), new HashSet<string>());

    private static Ticket New() => TicketStoreContract.NewTicket("t", "REQ-0001") with
    {
        CreatedAt = TicketFactory.Timestamp(Created),
        Slas = SlaClocks.Start(Policies, StatusCategories.ToDo, Created),
    };

    private static (WorkUpdate? Work, ValidationErrors Errors) Validate(string body, Ticket? current = null, params string[] roles)
    {
        var errors = new ValidationErrors();
        var work = WorkUpdateValidator.Validate(JsonDocument.Parse(body).RootElement, current ?? New(), Type, Caller(roles.Length == 0 ? ["ticket_agent"] : roles), errors, out _);
        Assert.Equal(work is null, errors.Count > 0);
        return (work, errors);
    }

    private static Ticket Move(Ticket ticket, string status, TimeSpan after, Dictionary<string, ValueChange>? changes = null)
    {
        var (work, errors) = Validate($$"""{"status_type":"{{status}}"}""", ticket);
        Assert.Empty(errors);
        return WorkUpdateApplier.Apply(ticket, work!, Created + after, changes ?? []);
    }

    private static long? Metric(Ticket ticket, string name) => ticket.Metrics.FirstOrDefault(m => m.Name == name)?.Value;

    [Fact]
    public void A_move_names_the_target_status_with_its_category_and_the_types_policies()
    {
        var (work, _) = Validate("""{"status_type":"In Progress"}""");
        Assert.Equal(new TicketStatus("In Progress", StatusCategories.InProgress), work!.Status);
        Assert.False(work.AssigneeSent);
        Assert.Equal(Policies, work.Policies);
    }

    [Fact]
    public void A_move_no_transition_allows_lists_the_reachable_statuses()
    {
        var (_, errors) = Validate("""{"status_type":"Closed"}""");
        Assert.Equal(["Ticket can't move from Open to Closed; with your roles it can move to: In Progress, Cancelled"], errors["status_type"]);
        var resolved = New() with { StatusType = "Resolved", StatusCategory = StatusCategories.Done };
        Assert.Equal(["Ticket can't move from Resolved to In Progress; with your roles it can move to: Closed, Open"],
            Validate("""{"status_type":"In Progress"}""", resolved).Errors["status_type"]);
    }

    [Fact]
    public void Keys_given_twice_and_status_category_are_refused_by_key()
    {
        var (_, errors) = Validate("""{"status_type":"In Progress","status_type":"Resolved","status_category":"Done Category"}""");
        Assert.Equal(["Field status_type is given more than once"], errors["status_type"]);
        Assert.Equal(["Field status_category can't be updated; it follows from status_type"], errors["status_category"]);
    }

    [Fact]
    public void Assignee_is_set_or_cleared_and_the_401_check_sees_both()
    {
        Assert.Equal(new Assignee("agent"), Validate("""{"assignee":{"username":"agent"}}""").Work!.Assignee);
        var cleared = Validate("""{"assignee":null}""").Work!;
        Assert.True(cleared.AssigneeSent);
        Assert.Null(cleared.Assignee);
        Assert.True(WorkUpdateValidator.Assigns(JsonDocument.Parse("""{"assignee":null}""").RootElement));
        Assert.False(WorkUpdateValidator.Assigns(JsonDocument.Parse("""{"summary":"x"}""").RootElement));
        Assert.Equal(["Field assignee.username must be at most 255 characters long"],
            Validate("{\"assignee\":{\"username\":\"" + new string('a', 256) + "\"}}").Errors["assignee"]);
        // 255 emoji are 510 UTF-16 units but 255 code points: allowed.
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 255));
        Assert.Equal(emoji, Validate("{\"assignee\":{\"username\":\"" + emoji + "\"}}").Work!.Assignee!.Username);
        Assert.True(Permissions.CanAssign(Caller("ticket_agent")));
        Assert.True(Permissions.CanAssign(Caller("tenant_admin")));
        Assert.False(Permissions.CanAssign(Caller("ticket_user")));
    }

    [Fact]
    public void The_first_move_out_of_to_do_measures_the_first_response_and_stops_its_clock()
    {
        var changes = new Dictionary<string, ValueChange>();
        var started = Move(New(), "In Progress", TimeSpan.FromMinutes(90), changes);

        Assert.Equal(("In Progress", StatusCategories.InProgress), (started.StatusType, started.StatusCategory));
        Assert.Equal(90 * 60, Metric(started, TicketMetric.TimeToFirstResponse));
        Assert.Null(started.ResolvedAt);
        Assert.Equal("2026-03-02T10:30:00.000Z", started.Slas[0].StoppedAt);
        Assert.Null(started.Slas[1].StoppedAt);
        Assert.Equal(["status_type", "status_category"], changes.Keys);
    }

    [Fact]
    public void Entering_done_sets_resolved_at_and_the_resolution_time_and_reopening_clears_and_counts()
    {
        var resolved = Move(Move(New(), "In Progress", TimeSpan.FromHours(1)), "Resolved", TimeSpan.FromHours(50));
        Assert.Equal("2026-03-04T11:00:00.000Z", resolved.ResolvedAt);
        Assert.Equal(50 * 3600, Metric(resolved, TicketMetric.TimeToResolution));
        Assert.Equal(TicketSla.Breached, resolved.Slas[1].StateAt(Created));

        var reopened = Move(resolved, "Open", TimeSpan.FromHours(51));
        Assert.Null(reopened.ResolvedAt);
        Assert.Equal(1, Metric(reopened, TicketMetric.ReopenedCount));
        Assert.Null(reopened.Slas[1].StoppedAt); // the resolution clock runs again
        Assert.Equal(resolved.Slas[0], reopened.Slas[0]); // the first response happened; it stays stopped
        Assert.Equal(3600, Metric(reopened, TicketMetric.TimeToFirstResponse));

        var again = Move(Move(Move(reopened, "In Progress", TimeSpan.FromHours(52)), "Resolved", TimeSpan.FromHours(53)), "Open", TimeSpan.FromHours(54));
        Assert.Equal(2, Metric(again, TicketMetric.ReopenedCount));
        Assert.Equal(53 * 3600, Metric(again, TicketMetric.TimeToResolution));
        Assert.Equal(3600, Metric(again, TicketMetric.TimeToFirstResponse));
    }

    [Fact]
    public void Moving_straight_from_to_do_to_done_stops_every_clock()
    {
        var type = Type with
        {
            Workflow = new Workflow([new("New", StatusCategories.ToDo), new("Done", StatusCategories.Done)], [new("New", "Done")]),
        };
        var ticket = New() with { StatusType = "New" };
        var errors = new ValidationErrors();
        var work = WorkUpdateValidator.Validate(JsonDocument.Parse("""{"status_type":"Done"}""").RootElement, ticket, type, Caller("ticket_user"), errors, out _)!;
        var done = WorkUpdateApplier.Apply(ticket, work, Created + TimeSpan.FromHours(2), new Dictionary<string, ValueChange>());

        Assert.All(done.Slas, s => Assert.Equal("2026-03-02T11:00:00.000Z", s.StoppedAt));
        Assert.Equal(7200, Metric(done, TicketMetric.TimeToFirstResponse));
        Assert.Equal(7200, Metric(done, TicketMetric.TimeToResolution));
    }

    [Fact]
    public void An_update_through_the_updater_carries_the_move_and_its_history()
    {
        var (work, _) = Validate("""{"status_type":"In Progress","assignee":{"username":"agent"}}""");
        var update = new TicketUpdate("etag", null, []) { Work = work };
        var revision = TicketUpdater.Apply(New(), update, Caller("ticket_agent"), Created + TimeSpan.FromHours(1))!;

        Assert.Equal(("In Progress", "agent", 2), (revision.Ticket.StatusType, revision.Ticket.Assignee!.Username, revision.Ticket.Version));
        Assert.Equal(["status_type", "status_category", "assignee"], revision.Entry.Changes.Keys);
        Assert.Equal("""{"username":"agent"}""", revision.Entry.Changes["assignee"].New!.Value.GetRawText());

        // The same status and assignee again: nothing to write.
        var same = TicketUpdater.Apply(revision.Ticket, new TicketUpdate("etag", null, [])
        {
            Work = new WorkUpdate(null, true, new Assignee("agent"), Policies),
        }, Caller("ticket_agent"), Created + TimeSpan.FromHours(2));
        Assert.Null(same);
    }
}
