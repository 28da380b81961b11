using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tests.Events;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Tests.Webhooks;

/// <summary>
/// On Cosmos DB, the two places a process can die on the way from an acknowledged write to a receiver, modelled in
/// process (the store requests of the dying process fail from that point on), then a restart: every acknowledged
/// write's events reach the receiver, a duplicate only with the same webhook-id. Delivery saves its cursor once per page
/// of the feed, so the second death (after the answers, before the save) redelivers that whole page.
/// </summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosWebhookCrashTests(CosmosEmulatorFixture emulator) : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();
    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    /// <summary>A store whose subscription writes fail, as when the process dies right after a page's answers.</summary>
    private sealed class DiesBeforeSaving(IWebhookStore inner) : IWebhookStore
    {
        public Task<StoredWebhook> CreateWebhookAsync(WebhookSubscription s, CancellationToken c) => inner.CreateWebhookAsync(s, c);
        public Task<StoredWebhook?> GetWebhookAsync(string t, string id, CancellationToken c) => inner.GetWebhookAsync(t, id, c);
        public Task<IReadOnlyList<StoredWebhook>> ListWebhooksAsync(string t, CancellationToken c) => inner.ListWebhooksAsync(t, c);
        public Task<StoredWebhook> ReplaceWebhookAsync(WebhookSubscription s, string e, CancellationToken c) => throw new HttpRequestException("the process is gone");
        public Task<bool> DeleteWebhookAsync(string t, string id, CancellationToken c) => inner.DeleteWebhookAsync(t, id, c);
        public Task AppendAttemptsAsync(IReadOnlyList<WebhookAttempt> a, CancellationToken c) => inner.AppendAttemptsAsync(a, c);
        public Task<WebhookAttemptPage> ListAttemptsAsync(string t, string w, string? e, string? b, int l, CancellationToken c) => inner.ListAttemptsAsync(t, w, e, b, l, c);
    }

    private static WebhookDispatcher Dispatcher(IWebhookStore webhooks, ITicketEventStore events)
    {
        var options = Options.Create(new WebhookOptions { AllowLoopback = true });
        var guard = new WebhookAddressGuard(new DnsWebhookHostResolver(), options);
        return new WebhookDispatcher(webhooks, events, new WebhookSender(guard, TimeProvider.System), TimeProvider.System, options,
            Options.Create(new EventOptions()), NullLogger<WebhookDispatcher>.Instance);
    }

    [Fact]
    public async Task Writes_acknowledged_before_a_crash_reach_the_receiver_after_the_restart_and_a_redelivery_keeps_its_webhook_id()
    {
        var database = CosmosEmulatorFixture.NewDatabaseName();
        var tenant = Guid.NewGuid().ToString();
        // The dying process: its publisher's requests fail (it dies right after each acknowledged write).
        var wire = new RecordingHandler
        {
            Fault = r => new SentRequest("", "", 0, r.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value))).IsBackground
                ? RecordingHandler.ServiceError(HttpStatusCode.Forbidden, "Forbidden")
                : null,
        };
        var dying = emulator.NewStore(database, wire.Interceptor);
        await dying.UpsertCatalogAsync(TicketingFunctions.Tests.Storage.TicketStoreContract.EmptyCatalog(tenant), default);
        var webhooks = new CosmosWebhookStore(emulator.NewProvider(database));
        var subscription = WebhookStoreContract.NewSubscription(tenant, url: _receiver.Url("/ok/crash")) with
        {
            EventTypes = [], TeamIds = [], DeliverFrom = "2000-01-01T00:00:00.000Z",
        };
        await webhooks.CreateWebhookAsync(subscription, default);
        var tickets = Enumerable.Range(1, 3).Select(i => TicketEventStoreContract.Created(tenant, $"CTC-{i:D4}")).ToArray();
        foreach (var ticket in tickets) await dying.CreateTicketAsync(ticket, default);
        await dying.ReplaceTicketAsync(TicketEventStoreContract.Next(tickets[0], TicketHistory.Updated, ("summary", "\"a\"", "\"b\"")), tickets[0].Etag, default);
        await dying.DrainPublisherAsync();
        await Dispatcher(webhooks, dying).DeliverAsync(tenant, subscription.Id, default);
        Assert.Empty(_receiver.At("/ok/crash"));

        // The restart: the catch-up hands the events over, delivery sends them. This process dies again right after
        // the page's answers, before its cursor is saved.
        var restarted = emulator.NewStore(database);
        Assert.Equal(4, await restarted.PublishPendingAsync(default));
        await Assert.ThrowsAsync<HttpRequestException>(() => Dispatcher(new DiesBeforeSaving(webhooks), restarted).DeliverAsync(tenant, subscription.Id, default));
        var feed = (await restarted.ReadEventsAsync(tenant, 0, 100, default)).Events.Select(e => e.Event.Id).ToList();
        var first = _receiver.At("/ok/crash");
        Assert.Equal(feed, first.Select(d => d.Id));

        // The next process sends those events again (same webhook-ids, same bodies), in feed order, and moves the cursor.
        await Dispatcher(webhooks, emulator.NewStore(database)).DeliverAsync(tenant, subscription.Id, default);
        var received = _receiver.At("/ok/crash");
        Assert.Equal([.. feed, .. feed], received.Select(d => d.Id));
        Assert.Equal(first.Select(d => d.Body), received.Skip(feed.Count).Select(d => d.Body));
        await Dispatcher(webhooks, emulator.NewStore(database)).DeliverAsync(tenant, subscription.Id, default);
        Assert.Equal(2 * feed.Count, _receiver.At("/ok/crash").Count);
        // Every acknowledged write's events, per ticket in version order.
        var events = received.Skip(feed.Count).Select(d => JsonDocument.Parse(d.Body).RootElement)
            .Select(e => (Type: e.GetProperty("type").GetString(), Subject: e.GetProperty("subject").GetString(), Sequence: e.GetProperty("sequence").GetInt32())).ToList();
        Assert.Equal([(TicketEventTypes.Created, 1), (TicketEventTypes.Updated, 2)], events.Where(e => e.Subject == "CTC-0001").Select(e => (e.Type, e.Sequence)));
        Assert.Equal(["CTC-0002", "CTC-0003"], events.Where(e => e.Subject != "CTC-0001").Select(e => e.Subject).Order());
    }
}
