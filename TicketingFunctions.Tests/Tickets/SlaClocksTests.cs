using System.Text.Json;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Tickets;

public sealed class SlaClocksTests
{
    private static readonly DateTimeOffset Created = new(2026, 3, 2, 9, 0, 0, 250, TimeSpan.Zero);

    [Fact]
    public void Clocks_start_at_creation_with_wall_clock_targets()
    {
        var clocks = SlaClocks.Start([new("Response", 4, StatusCategories.InProgress), new("Weekend", 72, StatusCategories.Done), new("Quick", 0.5m, StatusCategories.Done)],
            StatusCategories.ToDo, Created);
        // 72 hours from a Monday morning is Thursday morning: no business-hours calendar.
        Assert.Equal(["2026-03-02T13:00:00.250Z", "2026-03-05T09:00:00.250Z", "2026-03-02T09:30:00.250Z"], clocks.Select(c => c.TargetAt));
        Assert.All(clocks, c => Assert.Null(c.StoppedAt));
        Assert.Empty(SlaClocks.Start(null, StatusCategories.ToDo, Created));
    }

    [Fact]
    public void A_type_whose_initial_status_already_reaches_a_policys_category_starts_that_clock_stopped()
    {
        var clocks = SlaClocks.Start([new("Response", 4, StatusCategories.InProgress), new("Resolution", 8, StatusCategories.Done)], StatusCategories.InProgress, Created);
        Assert.Equal(["2026-03-02T09:00:00.250Z", null], clocks.Select(c => c.StoppedAt));
    }

    [Fact]
    public void State_is_running_up_to_the_target_then_breached_and_a_stopped_clock_keeps_its_verdict()
    {
        var clock = new TicketSla { Name = "R", TargetAt = "2026-03-02T13:00:00.000Z" };
        var target = new DateTimeOffset(2026, 3, 2, 13, 0, 0, TimeSpan.Zero);
        Assert.Equal(TicketSla.Running, clock.StateAt(target - TimeSpan.FromMilliseconds(1)));
        Assert.Equal(TicketSla.Running, clock.StateAt(target));
        Assert.Equal(TicketSla.Breached, clock.StateAt(target + TimeSpan.FromMilliseconds(1)));

        Assert.Equal(TicketSla.Met, (clock with { StoppedAt = "2026-03-02T13:00:00.000Z" }).StateAt(target + TimeSpan.FromDays(9)));
        Assert.Equal(TicketSla.Breached, (clock with { StoppedAt = "2026-03-02T13:00:00.001Z" }).StateAt(target));
    }

    [Fact]
    public void Observe_fills_every_state_without_touching_the_stored_times()
    {
        var ticket = TicketStoreContract.NewTicket("t", "REQ-0001") with
        {
            Slas = [new TicketSla { Name = "A", TargetAt = "2026-03-02T13:00:00.000Z" }, new TicketSla { Name = "B", TargetAt = "2026-03-02T10:00:00.000Z", StoppedAt = "2026-03-02T09:30:00.000Z" }],
        };
        var observed = SlaClocks.Observe(ticket, new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero));
        Assert.Equal([TicketSla.Breached, TicketSla.Met], observed.Slas.Select(s => s.State));
        Assert.Equal(ticket.Slas.Select(s => (s.TargetAt, s.StoppedAt)), observed.Slas.Select(s => (s.TargetAt, s.StoppedAt)));
        Assert.All(ticket.Slas, s => Assert.Null(s.State));
    }

    [Fact]
    public void Breach_at_is_the_earliest_target_of_a_clock_running_or_stopped_late_and_null_when_every_clock_is_met()
    {
        TicketSla Clock(string target, string? stopped = null) => new() { Name = target, TargetAt = target, StoppedAt = stopped };
        Assert.Null(SlaClocks.BreachAt([]));
        Assert.Null(SlaClocks.BreachAt([Clock("2026-03-02T13:00:00.000Z", "2026-03-02T13:00:00.000Z")]));
        Assert.Equal("2026-03-04T09:00:00.000Z", SlaClocks.BreachAt([Clock("2026-03-02T13:00:00.000Z", "2026-03-02T10:00:00.000Z"), Clock("2026-03-04T09:00:00.000Z")]));
        Assert.Equal("2026-03-02T13:00:00.000Z", SlaClocks.BreachAt([Clock("2026-03-04T09:00:00.000Z"), Clock("2026-03-02T13:00:00.000Z", "2026-03-02T13:00:00.001Z")]));

        // Whatever the time, "breach_at < now" agrees with the states every answer shows.
        var clocks = new[] { Clock("2026-03-02T13:00:00.000Z", "2026-03-02T10:00:00.000Z"), Clock("2026-03-04T09:00:00.000Z") };
        foreach (var now in new[] { Created, new DateTimeOffset(2026, 3, 4, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 4, 9, 0, 0, 1, TimeSpan.Zero) })
            Assert.Equal(clocks.Any(c => c.StateAt(now) == TicketSla.Breached),
                string.CompareOrdinal(SlaClocks.BreachAt(clocks), TicketFactory.Timestamp(now)) < 0);
    }

    [Fact]
    public void The_stored_document_carries_breach_at_and_reading_it_back_ignores_it()
    {
        var ticket = TicketStoreContract.NewTicket("t", "REQ-0001") with { Slas = [new TicketSla { Name = "A", TargetAt = "2026-03-02T13:00:00.000Z" }] };
        var json = JsonSerializer.Serialize(ticket, StoreJson.Options);
        Assert.Equal("2026-03-02T13:00:00.000Z", JsonDocument.Parse(json).RootElement.GetProperty("sla_breach_at").GetString());
        Assert.Equal(ticket.Slas, JsonSerializer.Deserialize<Ticket>(json, StoreJson.Options)!.Slas);
        var none = JsonSerializer.Serialize(TicketStoreContract.NewTicket("t", "REQ-0002"), StoreJson.Options);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(none).RootElement.GetProperty("sla_breach_at").ValueKind);
    }

    [Fact]
    public void The_store_keeps_target_and_stop_times_but_never_a_state_that_would_go_stale()
    {
        var ticket = TicketStoreContract.NewTicket("t", "REQ-0001") with
        {
            Slas = [new TicketSla { Name = "A", TargetAt = "2026-03-02T13:00:00.000Z", State = TicketSla.Running }],
        };
        var stored = JsonDocument.Parse(JsonSerializer.Serialize(ticket, StoreJson.Options)).RootElement.GetProperty("slas")[0];
        Assert.Equal(["name", "target_at", "stopped_at"], stored.EnumerateObject().Select(p => p.Name));

        // The API's serializer does show it.
        var answered = JsonDocument.Parse(JsonSerializer.Serialize(ticket, TicketingFunctions.Api.ApiJsonContext.Default.Ticket)).RootElement.GetProperty("slas")[0];
        Assert.Equal("running", answered.GetProperty("state").GetString());
    }
}
