using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.Events;

/// <summary>The rules of events: what each kind of write yields, their ids, and the SLA breach finder.</summary>
public sealed class TicketEventsTests
{
    private const string Tenant = "820188ff-2036-4924-b80f-d11610735d86";

    private static Ticket Created() => TicketEventStoreContract.Created(Tenant, "CTC-0001");

    [Fact]
    public void A_create_yields_only_ticket_created_without_changes()
    {
        var e = Assert.Single(TicketEvents.Of(Created(), created: true));
        Assert.Equal((TicketEventTypes.Created, 1, "CTC-0001", "team", null), (e.Type, e.Sequence, e.ObjectId, e.TeamId, e.Changes));
    }

    [Theory]
    [InlineData("summary", new[] { TicketEventTypes.Updated })]
    [InlineData(WorkUpdateValidator.StatusTypeKey, new[] { TicketEventTypes.Updated, TicketEventTypes.StatusChanged })]
    [InlineData(WorkUpdateValidator.AssigneeKey, new[] { TicketEventTypes.Updated, TicketEventTypes.Assigned })]
    [InlineData("attachments.0d7f", new[] { TicketEventTypes.Updated, TicketEventTypes.AttachmentLinked })]
    [InlineData(TicketRelations.Key, new[] { TicketEventTypes.Updated, TicketEventTypes.RelationChanged })]
    public void An_update_yields_updated_and_the_event_of_each_kind_of_key_it_changed(string key, string[] types)
    {
        var update = TicketEventStoreContract.Next(Created(), TicketHistory.Updated, (key, null, "{\"x\":1}"));
        var events = TicketEvents.Of(update, created: false);
        Assert.Equal(types, events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal((2, key), (e.Sequence, Assert.Single(e.Changes!).Key)));
    }

    [Fact]
    public void Unlinking_an_attachment_is_an_update_but_not_a_link()
    {
        var update = TicketEventStoreContract.Next(Created(), TicketHistory.Updated, ("attachments.0d7f", "{\"x\":1}", null));
        Assert.Equal([TicketEventTypes.Updated], TicketEvents.Of(update, created: false).Select(e => e.Type));
    }

    [Fact]
    public void A_deletion_yields_ticket_deleted_only()
    {
        var deleted = TicketEventStoreContract.Next(Created(), TicketHistory.Deleted, (TicketHistory.DeletedSeqKey, "-1", "3")) with { DeletedSeq = 3 };
        Assert.Equal([TicketEventTypes.Deleted], TicketEvents.Of(deleted, created: false).Select(e => e.Type));
    }

    [Fact]
    public void Ids_are_deterministic_distinct_per_type_and_version_and_a_breach_s_id_ignores_the_version()
    {
        var created = Created();
        var update = TicketEventStoreContract.Next(created, TicketHistory.Updated, (WorkUpdateValidator.StatusTypeKey, "\"Open\"", "\"Done\""));
        var once = TicketEvents.Of(update, created: false).Select(e => e.Id).ToList();
        Assert.Equal(once, TicketEvents.Of(update, created: false).Select(e => e.Id));
        Assert.Equal(once.Count, once.Distinct().Count());
        Assert.DoesNotContain(TicketEvents.Of(created, created: true)[0].Id, once);
        Assert.Equal($"{created.Id}-v2-ticket.status_changed", once[1]);

        var clock = new TicketSla { Name = "Resolution / first", TargetAt = "2025-07-10T13:00:00.000Z" };
        Assert.Equal(TicketEvents.Breach(created, clock).Id, TicketEvents.Breach(update, clock).Id);
        Assert.NotEqual(TicketEvents.Breach(created, clock).Id, TicketEvents.Breach(created, clock with { TargetAt = "2025-07-10T14:00:00.000Z" }).Id);
        Assert.DoesNotContain("/", TicketEvents.Breach(created, clock).Id);
    }

    [Fact]
    public void Only_running_clocks_past_their_target_are_breaches()
    {
        var now = DateTimeOffset.Parse("2025-07-10T13:30:00Z");
        var ticket = Created() with
        {
            Slas =
            [
                new TicketSla { Name = "late", TargetAt = "2025-07-10T13:00:00.000Z" },
                new TicketSla { Name = "stopped-late", TargetAt = "2025-07-10T13:00:00.000Z", StoppedAt = "2025-07-10T13:10:00.000Z" },
                new TicketSla { Name = "early", TargetAt = "2025-07-10T14:00:00.000Z" },
            ],
        };
        Assert.Equal(["late"], TicketEvents.RunningBreaches(ticket, now).Select(c => c.Name));
    }

    [Fact]
    public async Task The_maintenance_pass_records_each_breach_it_finds_on_the_breached_listing_at_the_injected_time()
    {
        var now = DateTimeOffset.Parse("2025-07-10T13:30:00Z");
        var clock = new TicketSla { Name = "Resolution", TargetAt = "2025-07-10T13:00:00.000Z" };
        var ticket = Created() with { Slas = [clock] };
        var tickets = new Mock<ITicketStore>(MockBehavior.Strict);
        TicketListQuery? asked = null;
        tickets.Setup(s => s.ListTicketsAsync(It.IsAny<TicketListQuery>(), It.IsAny<CancellationToken>()))
            .Callback<TicketListQuery, CancellationToken>((q, _) => asked = q)
            .ReturnsAsync(new TicketPage([ticket], null));
        var events = new Mock<ITicketEventStore>(MockBehavior.Strict);
        events.Setup(s => s.PublishPendingAsync(It.IsAny<CancellationToken>())).ReturnsAsync(0);
        events.Setup(s => s.ListTenantsAsync(It.IsAny<CancellationToken>())).ReturnsAsync([Tenant]);
        events.Setup(s => s.RecordEventsAsync(ticket, It.Is<IReadOnlyList<TicketEvent>>(l => l.Single().Id == TicketEvents.Breach(ticket, clock).Id), It.IsAny<CancellationToken>()))
            .ReturnsAsync(1);
        events.Setup(s => s.PruneEventsAsync("2025-07-03T13:30:00.000Z", It.IsAny<CancellationToken>())).ReturnsAsync(4);
        var maintenance = new EventMaintenance(tickets.Object, events.Object, new FakeTimeProvider(now), Options.Create(new EventOptions()),
            NullLogger<EventMaintenance>.Instance);

        Assert.Equal(new EventMaintenanceResult(0, 1, 4), await maintenance.RunOnceAsync(default));
        Assert.Equal(Tenant, asked!.TenantId);
        Assert.Contains(asked.Filters, f => f is SlaBreachedFilter { Now: "2025-07-10T13:30:00.000Z" });
        Assert.Contains(asked.Filters, f => f is NotDeletedFilter);
    }

    [Fact]
    public async Task A_feed_cursor_only_opens_the_feed_of_its_tenant_and_filters()
    {
        var store = new Mock<ITicketEventStore>();
        store.Setup(s => s.ReadEventsAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, long after, int _, CancellationToken _) => new EventPage([], after + 7, false));
        var tokens = new ContinuationTokens(Options.Create(new TicketListOptions()), NullLogger<ContinuationTokens>.Instance);
        var service = new EventFeedService(store.Object, tokens);
        CheckedCaller Admin(string tenant) => new(new Caller(tenant, "demo", "admin", null, null, null,
            new HashSet<string> { Permissions.TenantAdmin }, new HashSet<string> { Permissions.ReadScope }, new HashSet<string>()), null!, null!);
        var filters = new EventFeedParameters { Types = [TicketEventTypes.Created] };

        var cursor = (await service.ReadAsync(Admin(Tenant), filters, default)).Value!.Response.Cursor;

        Assert.Null((await service.ReadAsync(Admin(Tenant), filters with { After = cursor }, default)).Error);
        store.Verify(s => s.ReadEventsAsync(Tenant, 7, It.IsAny<int>(), It.IsAny<CancellationToken>()));
        Assert.NotNull((await service.ReadAsync(Admin(Guid.NewGuid().ToString()), filters with { After = cursor }, default)).Error);
        Assert.NotNull((await service.ReadAsync(Admin(Tenant), filters with { After = cursor, Types = [TicketEventTypes.Updated] }, default)).Error);
        // Page size and includeData are not part of the binding.
        Assert.Null((await service.ReadAsync(Admin(Tenant), filters with { After = cursor, PageSize = 3, IncludeData = true }, default)).Error);
    }

    [Fact]
    public void The_feed_is_for_tenant_admins_and_mapped_applications_with_the_read_scope()
    {
        Caller With(string[] roles, string scope, bool mapped = false) => new("t", "demo", "u", null, null, null,
            new HashSet<string>(roles), new HashSet<string> { scope }, new HashSet<string>()) { IsMappedApplication = mapped };

        Assert.True(Permissions.CanReadEvents(With([Permissions.TenantAdmin], Permissions.ReadScope)));
        Assert.True(Permissions.CanReadEvents(With([], Permissions.ReadScope, mapped: true)));
        Assert.False(Permissions.CanReadEvents(With([Permissions.TicketAgent], Permissions.WriteScope)));
        Assert.False(Permissions.CanReadEvents(With([Permissions.TicketUser], Permissions.ReadScope)));
        Assert.False(Permissions.CanReadEvents(With([Permissions.TenantAdmin], "openid")));
    }
}
