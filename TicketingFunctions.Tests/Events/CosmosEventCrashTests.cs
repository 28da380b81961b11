using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Tests.Events;

/// <summary>
/// Cosmos DB: writes acknowledged while the process can't hand their events over (every request of the publisher
/// fails, as if the process died right after each write), then a restart: the catch-up finds every one of them.
/// </summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosEventCrashTests(CosmosEmulatorFixture emulator)
{
    [Fact]
    public async Task Every_acknowledged_write_s_events_reach_the_feed_through_the_catch_up_in_version_order()
    {
        var database = CosmosEmulatorFixture.NewDatabaseName();
        var wire = new RecordingHandler
        {
            Fault = r => new SentRequest("", "", 0, r.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value))).IsBackground
                ? RecordingHandler.ServiceError(HttpStatusCode.Forbidden, "Forbidden")
                : null,
        };
        var tenant = Guid.NewGuid().ToString();
        var dying = emulator.NewStore(database, wire.Interceptor);
        await dying.UpsertCatalogAsync(TicketingFunctions.Tests.Storage.TicketStoreContract.EmptyCatalog(tenant), default);
        var tickets = Enumerable.Range(1, 3).Select(i => TicketEventStoreContract.Created(tenant, $"CTC-{i:D4}")).ToArray();
        foreach (var ticket in tickets) await dying.CreateTicketAsync(ticket, default);
        // Writes over revisions whose events were not handed over: each carries the earlier ones on.
        var v2 = TicketEventStoreContract.Next(tickets[0], TicketHistory.Updated, (WorkUpdateValidator.StatusTypeKey, "\"Open\"", "\"In Progress\""));
        await dying.ReplaceTicketAsync(v2, tickets[0].Etag, default);
        var v3 = TicketEventStoreContract.Next(v2, TicketHistory.Deleted, (TicketHistory.DeletedSeqKey, "-1", "1")) with { DeletedSeq = 1 };
        await dying.ReplaceTicketAsync(v3, v2.Etag, default);
        await dying.ReplaceTicketAsync(TicketEventStoreContract.Next(tickets[1], TicketHistory.Updated, ("summary", "\"a\"", "\"b\"")), tickets[1].Etag, default);
        await dying.DrainPublisherAsync();
        Assert.Contains(wire.AllRequests, r => r.IsBackground && r.Status == HttpStatusCode.Forbidden);
        Assert.Empty((await emulator.NewStore(database).ReadEventsAsync(tenant, 0, 100, default)).Events);

        var restarted = emulator.NewStore(database);
        Assert.Equal(7, await restarted.PublishPendingAsync(default));
        Assert.Equal(0, await restarted.PublishPendingAsync(default));   // nothing is pending any more

        var feed = (await restarted.ReadEventsAsync(tenant, 0, 100, default)).Events.Select(e => e.Event).ToList();
        Assert.Equal(feed.Count, feed.Select(e => e.Id).Distinct().Count());
        Assert.Equal(
            [(TicketEventTypes.Created, 1), (TicketEventTypes.Updated, 2), (TicketEventTypes.StatusChanged, 2), (TicketEventTypes.Deleted, 3)],
            feed.Where(e => e.ObjectId == "CTC-0001").Select(e => (e.Type, e.Sequence)));
        Assert.Equal([1, 2], feed.Where(e => e.ObjectId == "CTC-0002").Select(e => e.Sequence));
        Assert.Equal([1], feed.Where(e => e.ObjectId == "CTC-0003").Select(e => e.Sequence));

        // Each event expires by itself after the retention (7 days by default).
        var containers = await emulator.NewProvider(database).GetContainersAsync(default);
        var stored = (await containers.Events.ReadItemAsync<JsonElement>(feed[0].Id, new PartitionKey(tenant))).Resource;
        Assert.Equal(7 * 24 * 3600, stored.GetProperty("ttl").GetInt32());
    }

    /// <summary>
    /// Writes that make no new version (a comment's values, a finished move clearing its mark) write the document again:
    /// they keep its events state, so events of earlier versions not handed over yet are still found by the catch-up.
    /// </summary>
    [Fact]
    public async Task A_comment_or_a_finished_move_between_writes_keeps_the_events_not_handed_over_yet()
    {
        var database = CosmosEmulatorFixture.NewDatabaseName();
        var wire = new RecordingHandler
        {
            Fault = r => new SentRequest("", "", 0, r.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value))).IsBackground
                ? RecordingHandler.ServiceError(HttpStatusCode.Forbidden, "Forbidden")
                : null,
        };
        var tenant = Guid.NewGuid().ToString();
        var dying = emulator.NewStore(database, wire.Interceptor);
        await dying.UpsertCatalogAsync(TicketingFunctions.Tests.Storage.TicketStoreContract.EmptyCatalog(tenant), default);

        var commented = TicketEventStoreContract.Created(tenant, "CTC-0001");
        await dying.CreateTicketAsync(commented, default);
        var commentedV2 = TicketEventStoreContract.Next(commented, TicketHistory.Updated, ("summary", "\"a\"", "\"b\""));
        await dying.ReplaceTicketAsync(commentedV2, commented.Etag, default);
        var comment = new TicketComment
        {
            Id = Guid.NewGuid().ToString(), TenantId = tenant, TicketId = commented.Id, Etag = Guid.NewGuid().ToString(), Body = "<p>Hi</p>",
            Visibility = CommentVisibility.Public, Author = new CommentAuthor("agent.one", "issuer|agent-one", true), CreatedAt = "2025-07-10T13:00:00.000Z",
        };
        await dying.AddCommentAsync(commentedV2, comment, stored => TicketConversation.AfterComment(stored, comment), default);

        var moved = TicketEventStoreContract.Created(tenant, "CTC-0002");
        await dying.CreateTicketAsync(moved, default);
        var successor = TicketEventStoreContract.Created(tenant, "CTC-0003");
        var tombstone = TicketEventStoreContract.Next(moved, TicketHistory.Moved, ("moved_to", null, "\"CTC-0003\"")) with { MovedTo = "CTC-0003" };
        await dying.MoveTicketAsync(tombstone, moved.Etag, successor, null, default);
        await dying.DrainPublisherAsync();
        Assert.Empty((await emulator.NewStore(database).ReadEventsAsync(tenant, 0, 100, default)).Events);

        var restarted = emulator.NewStore(database);
        await restarted.PublishPendingAsync(default);
        var feed = (await restarted.ReadEventsAsync(tenant, 0, 100, default)).Events.Select(e => e.Event).ToList();
        // The public comment's event was in the document's backlog, after the events of the version it found unpublished.
        Assert.Equal([(TicketEventTypes.Created, 1), (TicketEventTypes.Updated, 2), (TicketEventTypes.CommentCreated, 2)],
            feed.Where(e => e.ObjectId == "CTC-0001").Select(e => (e.Type, e.Sequence)));
        Assert.Equal(TicketEvents.CommentIdOf(commented.Id, comment.Id), feed.Single(e => e.Type == TicketEventTypes.CommentCreated).Id);
        // The tombstone's revision tells nothing (the successor's ticket.moved does): the moved ticket's created is kept.
        Assert.Equal([1], feed.Where(e => e.ObjectId == "CTC-0002").Select(e => e.Sequence).Distinct());
        Assert.Contains(feed, e => e.ObjectId == "CTC-0003");
    }

    [Fact]
    public async Task Publishers_racing_over_the_same_tickets_leave_one_copy_of_each_event_in_version_order_and_no_hole_to_wait_on()
    {
        var database = CosmosEmulatorFixture.NewDatabaseName();
        var wire = new RecordingHandler
        {
            Fault = r => new SentRequest("", "", 0, r.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value))).IsBackground
                ? RecordingHandler.ServiceError(HttpStatusCode.Forbidden, "Forbidden")
                : null,
        };
        var tenant = Guid.NewGuid().ToString();
        var writer = emulator.NewStore(database, wire.Interceptor);
        await writer.UpsertCatalogAsync(TicketingFunctions.Tests.Storage.TicketStoreContract.EmptyCatalog(tenant), default);
        for (var i = 1; i <= 4; i++)
        {
            var ticket = TicketEventStoreContract.Created(tenant, $"CTC-{i:D4}");
            await writer.CreateTicketAsync(ticket, default);
            await writer.ReplaceTicketAsync(TicketEventStoreContract.Next(ticket, TicketHistory.Updated, ("summary", "\"a\"", "\"b\"")), ticket.Etag, default);
        }
        await writer.DrainPublisherAsync();

        var racers = Enumerable.Range(0, 3).Select(_ => emulator.NewStore(database)).ToList();
        var published = await Task.WhenAll(racers.Select(r => r.PublishPendingAsync(default)));

        Assert.Equal(8, published.Sum());   // each event created once; the others' attempts were refused by its id
        var page = await racers[0].ReadEventsAsync(tenant, 0, 100, default);
        Assert.False(page.HasMore, "positions left unused by a racer are marked, so a reader passes them at once");
        var feed = page.Events.Select(e => e.Event).ToList();
        Assert.Equal(8, feed.Count);
        foreach (var ticket in feed.GroupBy(e => e.ObjectId))
            Assert.Equal([(TicketEventTypes.Created, 1), (TicketEventTypes.Updated, 2)], ticket.Select(e => (e.Type, e.Sequence)));
    }
}
