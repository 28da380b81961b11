using System.Text.Json;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Tests.Events;

/// <summary>
/// The behaviour every <see cref="ITicketEventStore"/> must have: a ticket store's writes yield their events in the
/// tenant's feed, in order, with deterministic ids, per tenant. Each implementation runs it through a subclass.
/// </summary>
public abstract class TicketEventStoreContract
{
    protected abstract Task<(ITicketStore Tickets, ITicketEventStore Events)> CreateStoreAsync();

    /// <summary>Waits until the store has handed over the events of the writes made so far (a no-op where a write commits them itself).</summary>
    protected virtual Task SettleAsync(ITicketEventStore events) => Task.CompletedTask;

    private static string NewTenant() => Guid.NewGuid().ToString();

    internal static Ticket Created(string tenant, string objectId, string team = "team")
    {
        var ticket = TicketStoreContract.NewTicket(tenant, objectId) with { LookupProps = new LookupProps(team, "1") };
        return ticket with { History = [TicketStoreContract.Entry(1, TicketHistory.Created, ("summary", null, "\"Contract test\""))] };
    }

    /// <summary>The next revision, with its history entry naming <paramref name="changes"/>.</summary>
    internal static Ticket Next(Ticket current, string action, params (string Key, string? Old, string? New)[] changes)
    {
        var version = current.Version + 1;
        return current with
        {
            Etag = Guid.NewGuid().ToString(),
            Version = version,
            UpdatedAt = $"2025-07-10T12:35:{version % 60:D2}.000Z",
            History = [.. current.History, TicketStoreContract.Entry(version, action, changes)],
        };
    }

    private static async Task<List<StoredTicketEvent>> AllAsync(ITicketEventStore events, string tenant, int limit = 3)
    {
        var all = new List<StoredTicketEvent>();
        long after = 0;
        for (var pages = 0; pages < 1000; pages++)
        {
            var page = await events.ReadEventsAsync(tenant, after, limit, default);
            Assert.True(page.Events.Count <= limit);
            Assert.True(page.Next >= after, "a cursor never goes back");
            all.AddRange(page.Events);
            after = page.Next;
            if (!page.HasMore) return all;
        }
        throw new InvalidOperationException("The feed did not end.");
    }

    [Fact]
    public async Task A_create_yields_ticket_created_with_a_deterministic_id_and_the_ticket_as_stored()
    {
        var (tickets, events) = await CreateStoreAsync();
        var tenant = NewTenant();
        var ticket = Created(tenant, "CTC-0001");

        await tickets.CreateTicketAsync(ticket, default);
        await SettleAsync(events);

        var e = Assert.Single(await AllAsync(events, tenant));
        Assert.Equal((TicketEvents.IdOf(ticket.Id, 1, TicketEventTypes.Created), TicketEventTypes.Created, "CTC-0001", 1, "team", ticket.UpdatedAt),
            (e.Event.Id, e.Event.Type, e.Event.ObjectId, e.Event.Sequence, e.Event.TeamId, e.Event.Time));
        Assert.True(e.Event.Position > 0);
        var snapshot = JsonSerializer.Deserialize(e.TicketJson.Span, TicketJsonContext.Default.Ticket)!;
        Assert.Equal((ticket.Id, ticket.Etag, "1"), (snapshot.Id, snapshot.Etag, (string?)snapshot.Data["offerId"]));
    }

    [Fact]
    public async Task An_update_yields_updated_and_one_event_per_kind_of_change_all_with_its_version_and_changes()
    {
        var (tickets, events) = await CreateStoreAsync();
        var tenant = NewTenant();
        var ticket = Created(tenant, "CTC-0001");
        await tickets.CreateTicketAsync(ticket, default);
        var update = Next(ticket, TicketHistory.Updated,
            (WorkUpdateValidator.StatusTypeKey, "\"Open\"", "\"In Progress\""), (WorkUpdateValidator.AssigneeKey, null, "{\"username\":\"agent\"}"),
            ("attachments.a1", null, "{\"name\":\"x.txt\"}"), (TicketRelations.Key, null, "{\"objectId\":\"CTC-0002\"}"));
        await tickets.ReplaceTicketAsync(update with { StatusType = "In Progress" }, ticket.Etag, default);
        await SettleAsync(events);

        var all = await AllAsync(events, tenant);
        Assert.Equal([TicketEventTypes.Created, TicketEventTypes.Updated, TicketEventTypes.StatusChanged, TicketEventTypes.Assigned,
            TicketEventTypes.AttachmentLinked, TicketEventTypes.RelationChanged], all.Select(e => e.Event.Type));
        Assert.All(all.Skip(1), e => Assert.Equal(2, e.Event.Sequence));
        Assert.All(all.Skip(1), e => Assert.Equal(4, e.Event.Changes!.Count));
        Assert.Equal("\"In Progress\"", all[1].Event.Changes![WorkUpdateValidator.StatusTypeKey].New!.Value.GetRawText());
        Assert.Equal(all.Select(e => e.Event.Id).Distinct().Count(), all.Count);
        Assert.Equal("In Progress", JsonSerializer.Deserialize(all[2].TicketJson.Span, TicketJsonContext.Default.Ticket)!.StatusType);
    }

    [Fact]
    public async Task A_soft_delete_yields_ticket_deleted()
    {
        var (tickets, events) = await CreateStoreAsync();
        var tenant = NewTenant();
        var ticket = Created(tenant, "CTC-0001");
        await tickets.CreateTicketAsync(ticket, default);
        await tickets.ReplaceTicketAsync(Next(ticket, TicketHistory.Deleted, (TicketHistory.DeletedSeqKey, "-1", "1")) with { DeletedSeq = 1 }, ticket.Etag, default);
        await SettleAsync(events);

        var deleted = (await AllAsync(events, tenant))[^1].Event;
        Assert.Equal((TicketEventTypes.Deleted, 2), (deleted.Type, deleted.Sequence));
        Assert.Equal("1", deleted.Changes![TicketHistory.DeletedSeqKey].New!.Value.GetRawText());
    }

    [Fact]
    public async Task Per_ticket_sequence_never_goes_back_and_positions_only_grow_across_pages()
    {
        var (tickets, events) = await CreateStoreAsync();
        var tenant = NewTenant();
        var current = new[] { Created(tenant, "CTC-0001"), Created(tenant, "CTC-0002") };
        foreach (var t in current) await tickets.CreateTicketAsync(t, default);
        for (var round = 0; round < 4; round++)
            for (var i = 0; i < current.Length; i++)
            {
                var next = Next(current[i], TicketHistory.Updated, ("summary", "\"a\"", $"\"b{round}\""));
                await tickets.ReplaceTicketAsync(next, current[i].Etag, default);
                current[i] = next;
            }
        await SettleAsync(events);

        var all = await AllAsync(events, tenant, limit: 3);
        Assert.Equal(10, all.Count);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Event.Position < p.Second.Event.Position));
        foreach (var ticket in all.GroupBy(e => e.Event.ObjectId))
            Assert.Equal([1, 2, 3, 4, 5], ticket.Select(e => e.Event.Sequence));
        // Resuming from a cursor serves what follows it, nothing before.
        var rest = await events.ReadEventsAsync(tenant, all[4].Event.Position, 100, default);
        Assert.Equal(all.Skip(5).Select(e => e.Event.Id), rest.Events.Select(e => e.Event.Id));
        Assert.False(rest.HasMore);
    }

    private static TicketComment Comment(Ticket ticket, string visibility, string createdAt, string body = "<p>Looking into it</p>") => new()
    {
        Id = Guid.NewGuid().ToString(), TenantId = ticket.TenantId, TicketId = ticket.Id, Etag = Guid.NewGuid().ToString(), Body = body,
        Visibility = visibility, Author = new CommentAuthor("agent.one", "issuer|agent-one", true), CreatedAt = createdAt,
    };

    [Fact]
    public async Task A_public_comment_yields_comment_created_and_an_internal_note_nothing_even_when_it_adds_a_watcher()
    {
        var (tickets, events) = await CreateStoreAsync();
        var comments = (ICommentStore)tickets;
        var tenant = NewTenant();
        var ticket = Created(tenant, "CTC-0001");
        await tickets.CreateTicketAsync(ticket, default);
        var reply = Comment(ticket, CommentVisibility.Public, "2025-07-10T13:00:00.000Z");
        await comments.AddCommentAsync(ticket, reply, t => TicketConversation.AfterComment(t, reply), default);
        // An internal note naming an agent changes toWatchers, without a version: still nothing is told of it.
        var note = Comment(ticket, CommentVisibility.Internal, "2025-07-10T13:01:00.000Z", "<p>Secret @agent.two</p>");
        await comments.AddCommentAsync(ticket, note, t => TicketConversation.AfterComment(t, note, ["agent.two@example.com"]), default);
        var read = (await tickets.GetTicketAsync(tenant, "CTC-0001", default))!;
        Assert.Contains("agent.two@example.com", read.Data["toWatchers"]!.ToJsonString());
        await tickets.ReplaceTicketAsync(Next(read, TicketHistory.Updated, ("summary", "\"a\"", "\"b\"")), read.Etag, default);
        await SettleAsync(events);

        var all = await AllAsync(events, tenant);
        Assert.Equal([(TicketEventTypes.Created, 1), (TicketEventTypes.CommentCreated, 1), (TicketEventTypes.Updated, 2)],
            all.Select(e => (e.Event.Type, e.Event.Sequence)));
        var commented = all[1];
        Assert.Equal((TicketEvents.CommentIdOf(ticket.Id, reply.Id), reply.CreatedAt, "CTC-0001"), (commented.Event.Id, commented.Event.Time, commented.Event.ObjectId));
        Assert.Equal(new TicketEventComment(reply.Id, "agent.one", true, reply.CreatedAt, reply.Body), commented.Event.Comment);
        Assert.Null(commented.Event.Changes);
        Assert.Equal(1, JsonSerializer.Deserialize(commented.TicketJson.Span, TicketJsonContext.Default.Ticket)!.CommentCount);
        Assert.DoesNotContain(all, e => e.TicketJson.Span.IndexOf("Secret"u8) >= 0 || e.Event.Id.Contains(note.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_move_within_the_type_yields_ticket_moved_and_a_move_to_another_type_one_ticket_moved_naming_both_tickets()
    {
        var (tickets, events) = await CreateStoreAsync();
        var tenant = NewTenant();
        var ticket = Created(tenant, "CTC-0001", team: "james");
        await tickets.CreateTicketAsync(ticket, default);
        var toTeam = Next(ticket, TicketHistory.Moved, (TicketEvents.MoveTeamIdKey, "\"james\"", "\"facilities\"")) with
        {
            LookupProps = new LookupProps("facilities", "1"),
        };
        await tickets.ReplaceTicketAsync(toTeam, ticket.Etag, default);
        var (tombstone, successor) = TicketStoreContract.MoveOf(toTeam, "HWI-0001");
        var changes = new Dictionary<string, ValueChange>(tombstone.History[^1].Changes)
        {
            [TicketEvents.MoveObjectIdKey] = new(JsonSerializer.SerializeToElement("CTC-0001"), JsonSerializer.SerializeToElement("HWI-0001")),
            [TicketEvents.MoveItemTypeIdKey] = new(JsonSerializer.SerializeToElement("1"), JsonSerializer.SerializeToElement("2")),
        };
        var entry = tombstone.History[^1] with { Changes = changes };
        (tombstone, successor) = (tombstone with { History = [.. toTeam.History, entry] },
            successor with { LookupProps = new LookupProps("facilities", "2"), History = [.. toTeam.History, entry] });
        await tickets.MoveTicketAsync(tombstone, toTeam.Etag, successor, null, default);
        await SettleAsync(events);

        // Per ticket in order (the feed orders each ticket's events; two tickets' events may interleave either way).
        var all = (await AllAsync(events, tenant)).OrderBy(e => e.Event.ObjectId == "HWI-0001").ToList();
        Assert.Equal([(TicketEventTypes.Created, "CTC-0001", 1), (TicketEventTypes.Moved, "CTC-0001", 2), (TicketEventTypes.Moved, "HWI-0001", 3)],
            all.Select(e => (e.Event.Type, e.Event.ObjectId, e.Event.Sequence)));
        Assert.Equal(new TicketEventMove(new TicketPlace(ticket.Id, "CTC-0001", "james", "1"), new TicketPlace(ticket.Id, "CTC-0001", "facilities", "1")),
            all[1].Event.Move);
        Assert.Equal(new TicketEventMove(new TicketPlace(ticket.Id, "CTC-0001", "facilities", "1"), new TicketPlace(successor.Id, "HWI-0001", "facilities", "2")),
            all[2].Event.Move);
        Assert.Equal((TicketEvents.IdOf(successor.Id, 3, TicketEventTypes.Moved), "facilities"), (all[2].Event.Id, all[2].Event.TeamId));
        Assert.Equal("HWI-0001", JsonSerializer.Deserialize(all[2].TicketJson.Span, TicketJsonContext.Default.Ticket)!.ObjectId);
    }

    [Fact]
    public async Task Tenants_never_see_each_others_events()
    {
        var (tickets, events) = await CreateStoreAsync();
        var (a, b) = (NewTenant(), NewTenant());
        await tickets.CreateTicketAsync(Created(a, "CTC-0001"), default);
        await SettleAsync(events);

        Assert.Single(await AllAsync(events, a));
        Assert.Empty(await AllAsync(events, b));
    }

    [Fact]
    public async Task A_breach_is_recorded_once_and_only_for_the_version_it_was_found_on()
    {
        var (tickets, events) = await CreateStoreAsync();
        var tenant = NewTenant();
        var clock = new TicketSla { Name = "Resolution", TargetAt = "2025-07-10T13:00:00.000Z" };
        var ticket = Created(tenant, "CTC-0001") with { Slas = [clock] };
        await tickets.CreateTicketAsync(ticket, default);
        await SettleAsync(events);
        var breach = TicketEvents.Breach(ticket, clock);

        Assert.Equal(1, await events.RecordEventsAsync(ticket, [breach], default));
        Assert.Equal(0, await events.RecordEventsAsync(ticket, [breach], default));
        var updated = Next(ticket, TicketHistory.Updated, ("summary", "\"a\"", "\"b\""));
        await tickets.ReplaceTicketAsync(updated, ticket.Etag, default);
        Assert.Equal(0, await events.RecordEventsAsync(ticket, [TicketEvents.Breach(ticket, clock with { TargetAt = "2025-07-10T14:00:00.000Z" })], default));
        await SettleAsync(events);

        var all = await AllAsync(events, tenant);
        Assert.Equal([TicketEventTypes.Created, TicketEventTypes.SlaBreached, TicketEventTypes.Updated], all.Select(e => e.Event.Type));
        Assert.Equal((breach.Id, 1, "Resolution", clock.TargetAt), (all[1].Event.Id, all[1].Event.Sequence, all[1].Event.Sla!.Name, all[1].Event.Time));
    }

    [Fact]
    public async Task A_webhook_disabled_event_enters_the_feed_once_after_the_tickets_events_without_a_ticket()
    {
        var (tickets, events) = await CreateStoreAsync();
        var tenant = NewTenant();
        await tickets.CreateTicketAsync(Created(tenant, "CTC-0001"), default);
        await SettleAsync(events);
        var subscription = Guid.NewGuid().ToString();
        var disabled = TicketEvent.WebhookDisabled(tenant, subscription, "https://hooks.example.com/x", "2025-07-01T00:00:00.000Z", "2025-07-06T00:00:01.000Z");

        Assert.True(await events.AppendEventAsync(disabled, default));
        // Again (a crash before the status was saved, disabled again later): same id, nothing added.
        Assert.False(await events.AppendEventAsync(disabled with { Time = "2025-07-06T01:00:00.000Z" }, default));
        await tickets.CreateTicketAsync(Created(tenant, "CTC-0002"), default);
        await SettleAsync(events);

        var all = await AllAsync(events, tenant);
        Assert.Equal([TicketEventTypes.Created, TicketEventTypes.WebhookDisabled, TicketEventTypes.Created], all.Select(e => e.Event.Type));
        var told = all[1];
        Assert.True(told.TicketJson.IsEmpty);
        Assert.True(all[0].Event.Position < told.Event.Position && told.Event.Position < all[2].Event.Position);
        Assert.Equal((disabled.Id, subscription, "https://hooks.example.com/x", "2025-07-01T00:00:00.000Z", "2025-07-06T00:00:01.000Z"),
            (told.Event.Id, told.Event.ObjectId, told.Event.Subscription!.Url, told.Event.Subscription.FailingSince, told.Event.Subscription.DisabledAt));
    }
}
