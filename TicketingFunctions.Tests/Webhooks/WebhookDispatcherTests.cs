using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using StandardWebhooks;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Events;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets.Events;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Tests.Webhooks;

/// <summary>
/// The dispatcher on the embedded stores and a loopback receiver, with time from a <see cref="FakeTimeProvider"/>: the
/// retry schedule, Retry-After, disabling after 5 days, and the SSRF check at delivery time, without waiting for time.
/// </summary>
public sealed class WebhookDispatcherTests : IAsyncLifetime
{
    private readonly string _folder = TestDataFolders.New();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-06T00:00:00Z"));
    private readonly string _tenant = Guid.NewGuid().ToString();
    private EmbeddedTicketStore _tickets = null!;
    private EmbeddedWebhookStore _webhooks = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _tickets = new EmbeddedTicketStore(_folder);
        _webhooks = new EmbeddedWebhookStore(_folder);
        _receiver = await WebhookReceiver.StartAsync();
        await _tickets.CreateTicketAsync(TicketEventStoreContract.Created(_tenant, "CTC-0001"), default);
        await _tickets.CreateTicketAsync(TicketEventStoreContract.Created(_tenant, "CTC-0002"), default);
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _tickets.Dispose();
        _webhooks.Dispose();
        TestDataFolders.Delete(_folder);
    }

    private WebhookDispatcher Dispatcher(bool allowLoopback = true, IWebhookHostResolver? resolver = null, IWebhookStore? webhooks = null,
        ITicketEventStore? events = null)
    {
        var options = Options.Create(new WebhookOptions { AllowLoopback = allowLoopback });
        var guard = new WebhookAddressGuard(resolver ?? new DnsWebhookHostResolver(), options);
        return new WebhookDispatcher(webhooks ?? _webhooks, events ?? _tickets, new WebhookSender(guard, _time), _time, options,
            Options.Create(new TicketingFunctions.Tickets.Events.EventOptions()), NullLogger<WebhookDispatcher>.Instance);
    }

    /// <summary>Creates tickets until the tenant's feed holds <paramref name="count"/> events (one per create); returns the feed.</summary>
    private async Task<IReadOnlyList<StoredTicketEvent>> FeedOfAsync(int count)
    {
        for (var i = 3; i <= count; i++) await _tickets.CreateTicketAsync(TicketEventStoreContract.Created(_tenant, $"CTC-{i:D4}"), default);
        var feed = (await _tickets.ReadEventsAsync(_tenant, 0, count + 1, default)).Events;
        Assert.Equal(count, feed.Count);
        return feed;
    }

    /// <summary>A dispatcher whose store calls are counted, and the wrapped webhook store.</summary>
    private (WebhookDispatcher Dispatcher, CountingWebhookStore Webhooks, StoreCalls Calls) Counted()
    {
        var calls = new StoreCalls();
        var webhooks = new CountingWebhookStore(_webhooks, calls);
        return (Dispatcher(webhooks: webhooks, events: new CountingEventStore(_tickets, calls)), webhooks, calls);
    }

    private async Task<string> SubscribeAsync(string url)
    {
        var subscription = WebhookStoreContract.NewSubscription(_tenant, url: url) with { EventTypes = [], TeamIds = [], DeliverFrom = "2000-01-01T00:00:00.000Z" };
        await _webhooks.CreateWebhookAsync(subscription, default);
        return subscription.Id;
    }

    private async Task<WebhookSubscription> ReadAsync(string id) => (await _webhooks.GetWebhookAsync(_tenant, id, default))!.Subscription;

    [Fact]
    public async Task Events_are_delivered_in_feed_order_and_the_cursor_moves_past_each_after_its_2xx()
    {
        var id = await SubscribeAsync(_receiver.Url("/ok/order"));

        await Dispatcher().DeliverAsync(_tenant, id, default);

        var delivered = _receiver.At("/ok/order");
        Assert.Equal(["CTC-0001", "CTC-0002"], delivered.Select(d => System.Text.Json.JsonDocument.Parse(d.Body).RootElement.GetProperty("subject").GetString()));
        var events = (await _tickets.ReadEventsAsync(_tenant, 0, 10, default)).Events;
        var state = (await ReadAsync(id)).Delivery;
        Assert.Equal((events[^1].Event.Position, 0, (string?)null), (state.Cursor, state.Attempts, state.FailingSince));

        // Nothing new: a second pass sends nothing again.
        await Dispatcher().DeliverAsync(_tenant, id, default);
        Assert.Equal(2, _receiver.At("/ok/order").Count);
    }

    [Fact]
    public async Task Failures_are_retried_on_the_schedule_and_not_before()
    {
        var id = await SubscribeAsync(_receiver.Url("/down/schedule"));
        var dispatcher = Dispatcher();

        await dispatcher.DeliverAsync(_tenant, id, default);
        Assert.Single(_receiver.At("/down/schedule"));
        var expected = 1;
        foreach (var delay in WebhookRetrySchedule.Delays)
        {
            var state = (await ReadAsync(id)).Delivery;
            Assert.Equal((expected, "HTTP 500"), (state.Attempts, state.LastError));
            Assert.Equal(TimeSpan.FromTicks(delay.Ticks), DateTimeOffset.Parse(state.NextAttemptAt!) - _time.GetUtcNow());

            _time.Advance(delay - TimeSpan.FromSeconds(1));
            await dispatcher.DeliverAsync(_tenant, id, default);
            Assert.Equal(expected, _receiver.At("/down/schedule").Count);   // not due yet

            _time.Advance(TimeSpan.FromSeconds(1));
            await dispatcher.DeliverAsync(_tenant, id, default);
            Assert.Equal(++expected, _receiver.At("/down/schedule").Count);
        }
        // The same event each time: the first one, with the same webhook-id.
        Assert.Single(_receiver.At("/down/schedule").Select(d => d.Id).Distinct());
    }

    [Fact]
    public async Task Retry_after_is_honoured_when_it_asks_for_longer_than_the_schedule()
    {
        var id = await SubscribeAsync(_receiver.Url("/fail/retry-after"));

        await Dispatcher().DeliverAsync(_tenant, id, default);

        var state = (await ReadAsync(id)).Delivery;
        Assert.Equal(TimeSpan.FromSeconds(120), DateTimeOffset.Parse(state.NextAttemptAt!) - _time.GetUtcNow());
        Assert.Equal("HTTP 503", state.LastError);
    }

    [Fact]
    public async Task An_endpoint_failing_for_5_days_is_disabled_and_gets_nothing_more_until_resumed()
    {
        var id = await SubscribeAsync(_receiver.Url("/down/disable"));
        var dispatcher = Dispatcher();
        var start = _time.GetUtcNow();

        var attempts = 0;
        while ((await ReadAsync(id)).Status == WebhookStatus.Active)
        {
            Assert.True(++attempts < 50, "never disabled");
            var next = (await ReadAsync(id)).Delivery.NextAttemptAt;
            if (next is not null) _time.SetUtcNow(DateTimeOffset.Parse(next));
            await dispatcher.DeliverAsync(_tenant, id, default);
        }

        var disabled = await ReadAsync(id);
        Assert.Equal(WebhookStatus.Disabled, disabled.Status);
        Assert.True(_time.GetUtcNow() - start >= TimeSpan.FromDays(5));
        Assert.True(_time.GetUtcNow() - start < TimeSpan.FromDays(5) + WebhookRetrySchedule.Longest, "disabled at the first failure past 5 days");
        Assert.Null(disabled.Delivery.NextAttemptAt);
        var sent = _receiver.At("/down/disable").Count;
        _time.Advance(TimeSpan.FromDays(1));
        await dispatcher.DeliverAsync(_tenant, id, default);
        Assert.Equal(sent, _receiver.At("/down/disable").Count);

        // The disabling is itself an event in the tenant's feed, naming the subscription and since when it failed.
        var feed = (await _tickets.ReadEventsAsync(_tenant, 0, 10, default)).Events;
        var told = Assert.Single(feed, e => e.Event.Type == TicketEventTypes.WebhookDisabled);
        Assert.Equal((id, id, disabled.Delivery.FailingSince, disabled.Url), (told.Event.Id.Split("-disabled-")[0], told.Event.ObjectId,
            told.Event.Subscription!.FailingSince, told.Event.Subscription.Url));

        // A crash after the event but before the disabled status was saved: the next pass disables again, with no second event.
        var stored = (await _webhooks.GetWebhookAsync(_tenant, id, default))!;
        await _webhooks.ReplaceWebhookAsync(stored.Subscription with { Status = WebhookStatus.Active }, stored.StoreEtag, default);
        await dispatcher.DeliverAsync(_tenant, id, default);
        Assert.Equal(WebhookStatus.Disabled, (await ReadAsync(id)).Status);
        Assert.Single((await _tickets.ReadEventsAsync(_tenant, 0, 10, default)).Events, e => e.Event.Type == TicketEventTypes.WebhookDisabled);

        // Another subscription that wants it receives it (the disabled one gets nothing more).
        var other = await SubscribeAsync(_receiver.Url("/ok/other"));
        await dispatcher.DeliverAsync(_tenant, other, default);
        var body = System.Text.Json.JsonDocument.Parse(_receiver.At("/ok/other")[^1].Body).RootElement;
        Assert.Equal((TicketEventTypes.WebhookDisabled, id, id), (body.GetProperty("type").GetString(), body.GetProperty("subject").GetString(),
            body.GetProperty("data").GetProperty("subscription").GetProperty("id").GetString()));
        Assert.False(body.GetProperty("data").TryGetProperty("ticket", out _));
        Assert.Equal(sent + 1, _receiver.At("/down/disable").Count);
    }

    [Fact]
    public async Task A_redirect_is_a_failure_and_is_not_followed()
    {
        var id = await SubscribeAsync(_receiver.Url("/redirect/x"));

        await Dispatcher().DeliverAsync(_tenant, id, default);

        Assert.Equal("HTTP 307", (await ReadAsync(id)).Delivery.LastError);
        Assert.Empty(_receiver.At("/ok/redirected"));
    }

    [Fact]
    public async Task At_delivery_the_address_connected_to_is_checked_so_a_name_rebound_to_loopback_is_refused()
    {
        // The name resolved to a public address when it was subscribed; now it resolves to the receiver's loopback.
        var resolver = new Mock<IWebhookHostResolver>();
        resolver.Setup(r => r.ResolveAsync("rebind.example.com", It.IsAny<CancellationToken>())).ReturnsAsync([IPAddress.Loopback]);
        var id = await SubscribeAsync($"http://rebind.example.com:{_receiver.BaseAddress.Port}/ok/rebind");

        await Dispatcher(allowLoopback: false, resolver.Object).DeliverAsync(_tenant, id, default);

        Assert.Empty(_receiver.At("/ok/rebind"));
        var state = (await ReadAsync(id)).Delivery;
        Assert.Equal((1, "refused: host rebind.example.com resolves to a loopback address (127.0.0.1), which webhooks may not reach"), (state.Attempts, state.LastError));
    }

    [Fact]
    public async Task With_loopback_allowed_the_same_delivery_goes_through()
    {
        var resolver = new Mock<IWebhookHostResolver>();
        resolver.Setup(r => r.ResolveAsync("rebind.example.com", It.IsAny<CancellationToken>())).ReturnsAsync([IPAddress.Loopback]);
        var id = await SubscribeAsync($"http://rebind.example.com:{_receiver.BaseAddress.Port}/ok/allowed");

        await Dispatcher(allowLoopback: true, resolver.Object).DeliverAsync(_tenant, id, default);

        Assert.Equal(2, _receiver.At("/ok/allowed").Count);
    }

    [Fact]
    public async Task A_subscription_wants_only_its_types_and_teams_and_passes_the_rest()
    {
        var subscription = WebhookStoreContract.NewSubscription(_tenant, url: _receiver.Url("/ok/filtered")) with
        {
            EventTypes = ["ticket.created"], TeamIds = ["other-team"], DeliverFrom = "2000-01-01T00:00:00.000Z",
        };
        await _webhooks.CreateWebhookAsync(subscription, default);

        await Dispatcher().DeliverAsync(_tenant, subscription.Id, default);

        Assert.Empty(_receiver.At("/ok/filtered"));
        var events = (await _tickets.ReadEventsAsync(_tenant, 0, 10, default)).Events;
        Assert.Equal(events[^1].Event.Position, (await ReadAsync(subscription.Id)).Delivery.Cursor);
    }

    [Theory]
    [InlineData(12, 1)]
    [InlineData(WebhookDispatcher.PageSize + 10, 2)]
    public async Task A_page_of_events_costs_one_feed_read_one_cursor_save_and_one_log_write_not_one_of_each_per_event(int events, int pages)
    {
        var feed = await FeedOfAsync(events);
        var id = await SubscribeAsync(_receiver.Url("/ok/paged"));
        var (dispatcher, webhooks, calls) = Counted();

        await dispatcher.DeliverAsync(_tenant, id, default);

        // Every event, in feed order, each once.
        Assert.Equal(feed.Select(e => e.Event.Id), _receiver.At("/ok/paged").Select(d => d.Id));
        // One read of the subscription for the whole pass; per page one feed read, one save and one log write.
        Assert.Equal([("AppendAttempts", pages), ("GetWebhook", 1), ("ReadEvents", pages), ("ReplaceWebhook", pages)], calls.All);
        Assert.Equal(events, webhooks.AttemptBatchSizes.Sum());
        Assert.All(webhooks.AttemptBatchSizes, size => Assert.InRange(size, 1, WebhookDispatcher.PageSize));
        // The log has each attempt, and the cursor is past the last event.
        var log = await _webhooks.ListAttemptsAsync(_tenant, id, null, null, 200, default);
        // (The fake clock stands still: attempts at one time are listed in no particular order.)
        Assert.Equal(feed.Select(e => e.Event.Id).Order(), log.Attempts.Select(a => a.EventId).Order());
        Assert.All(log.Attempts, a => Assert.Equal((true, 204), (a.Success, a.Status)));
        Assert.Equal(feed[^1].Event.Position, (await ReadAsync(id)).Delivery.Cursor);
    }

    [Fact]
    public async Task A_failure_mid_page_keeps_the_successes_before_it_and_the_retry_sends_the_failed_event_again()
    {
        var feed = await FeedOfAsync(12);
        var id = await SubscribeAsync(_receiver.Url("/ok-then-down/5/mid"));
        var (dispatcher, webhooks, calls) = Counted();

        await dispatcher.DeliverAsync(_tenant, id, default);

        // Five 2xx, then the sixth event failed: the page stops there, and the cursor is past the fifth only.
        Assert.Equal(feed.Take(6).Select(e => e.Event.Id), _receiver.At("/ok-then-down/5/mid").Select(d => d.Id));
        var state = (await ReadAsync(id)).Delivery;
        Assert.Equal((feed[4].Event.Position, 1, "HTTP 500"), (state.Cursor, state.Attempts, state.LastError));
        Assert.Equal(TicketingFunctions.Tickets.TicketFactory.Timestamp(_time.GetUtcNow()), state.FailingSince);
        Assert.Equal([6], webhooks.AttemptBatchSizes);
        Assert.Equal(1, calls["ReplaceWebhook"]);
        var log = (await _webhooks.ListAttemptsAsync(_tenant, id, null, null, 20, default)).Attempts;
        Assert.Equal(feed.Take(6).Select(e => (e.Event.Id, e != feed[5])).Order(), log.Select(a => (a.EventId, a.Success)).Order());

        // The retry, when due, starts at the failed event: the same webhook-id again.
        _time.Advance(WebhookRetrySchedule.Delays[0]);
        await dispatcher.DeliverAsync(_tenant, id, default);
        Assert.Equal(feed[5].Event.Id, _receiver.At("/ok-then-down/5/mid")[^1].Id);
        Assert.Equal((feed[4].Event.Position, 2), ((await ReadAsync(id)).Delivery.Cursor, (await ReadAsync(id)).Delivery.Attempts));
    }

    [Fact]
    public async Task A_pause_during_a_page_takes_effect_at_the_next_page_and_keeps_the_page_s_progress()
    {
        var feed = await FeedOfAsync(WebhookDispatcher.PageSize + 10);
        var id = await SubscribeAsync(_receiver.Url("/ok/paused"));
        var (dispatcher, webhooks, _) = Counted();
        // The API pauses the subscription while the first page is being sent.
        webhooks.BeforeNextReplace = async () =>
        {
            var stored = (await _webhooks.GetWebhookAsync(_tenant, id, default))!;
            await _webhooks.ReplaceWebhookAsync(stored.Subscription with { Status = WebhookStatus.Paused, Etag = "paused" }, stored.StoreEtag, default);
        };

        await dispatcher.DeliverAsync(_tenant, id, default);

        Assert.Equal(feed.Take(WebhookDispatcher.PageSize).Select(e => e.Event.Id), _receiver.At("/ok/paused").Select(d => d.Id));
        var paused = await ReadAsync(id);
        Assert.Equal((WebhookStatus.Paused, "paused", feed[WebhookDispatcher.PageSize - 1].Event.Position),
            (paused.Status, paused.Etag, paused.Delivery.Cursor));

        // Resumed, it goes on after the page it sent: nothing twice, nothing missed.
        var stored = (await _webhooks.GetWebhookAsync(_tenant, id, default))!;
        await _webhooks.ReplaceWebhookAsync(stored.Subscription with { Status = WebhookStatus.Active }, stored.StoreEtag, default);
        await dispatcher.DeliverAsync(_tenant, id, default);
        Assert.Equal(feed.Select(e => e.Event.Id), _receiver.At("/ok/paused").Select(d => d.Id));
    }

    [Fact]
    public async Task A_replay_landing_during_a_page_wins_and_delivery_goes_on_from_its_cursor()
    {
        var feed = await FeedOfAsync(12);
        var id = await SubscribeAsync(_receiver.Url("/ok/replayed"));
        var (dispatcher, webhooks, _) = Counted();
        webhooks.BeforeNextReplace = async () =>
        {
            var stored = (await _webhooks.GetWebhookAsync(_tenant, id, default))!;
            await _webhooks.ReplaceWebhookAsync(stored.Subscription with { Delivery = new WebhookDeliveryState { Cursor = feed[7].Event.Position } },
                stored.StoreEtag, default);
        };

        await dispatcher.DeliverAsync(_tenant, id, default);

        // The page went out, then the replay's cursor won over the page's save, and its events followed in order.
        Assert.Equal([.. feed.Select(e => e.Event.Id), .. feed.Skip(8).Select(e => e.Event.Id)], _receiver.At("/ok/replayed").Select(d => d.Id));
        Assert.Equal(feed[^1].Event.Position, (await ReadAsync(id)).Delivery.Cursor);
    }

    [Fact]
    public async Task A_redelivery_asked_during_a_page_is_kept_and_sent()
    {
        var feed = await FeedOfAsync(12);
        var id = await SubscribeAsync(_receiver.Url("/ok/asked"));
        var (dispatcher, webhooks, _) = Counted();
        webhooks.BeforeNextReplace = async () =>
        {
            var stored = (await _webhooks.GetWebhookAsync(_tenant, id, default))!;
            await _webhooks.ReplaceWebhookAsync(stored.Subscription with { Delivery = stored.Subscription.Delivery with { Redeliver = [feed[2].Event.Position] } },
                stored.StoreEtag, default);
        };

        await dispatcher.DeliverAsync(_tenant, id, default);

        Assert.Equal([.. feed.Select(e => e.Event.Id), feed[2].Event.Id], _receiver.At("/ok/asked").Select(d => d.Id));
        var state = (await ReadAsync(id)).Delivery;
        Assert.Equal((feed[^1].Event.Position, 0), (state.Cursor, state.Redeliver.Count));
    }

    [Fact]
    public async Task A_body_with_text_beyond_ascii_is_signed_as_the_bytes_sent()
    {
        var ticket = TicketEventStoreContract.Created(_tenant, "CTC-0003") with { Summary = "Café ☕ naïve 𝄞 \"quoted\" </script>" };
        await _tickets.CreateTicketAsync(ticket, default);
        var subscription = WebhookStoreContract.NewSubscription(_tenant, url: _receiver.Url("/ok/text")) with
        {
            EventTypes = [], TeamIds = [], DeliverFrom = "2000-01-01T00:00:00.000Z",
        };
        await _webhooks.CreateWebhookAsync(subscription, default);
        // The receiver's check uses the wall clock: send at the wall clock's time.
        _time.SetUtcNow(DateTimeOffset.UtcNow);

        await Dispatcher().DeliverAsync(_tenant, subscription.Id, default);

        var delivery = _receiver.At("/ok/text")[^1];
        new StandardWebhook(subscription.Secrets[0].Secret).Verify(delivery.Body, delivery.Headers);
        Assert.Equal(ticket.Summary, System.Text.Json.JsonDocument.Parse(delivery.Body).RootElement.GetProperty("data").GetProperty("ticket").GetProperty("summary").GetString());
        Assert.Equal("application/json; charset=utf-8", delivery.Headers.ContentType.ToString());
    }

    [Fact]
    public async Task A_pass_that_dies_mid_page_leaves_the_cursor_before_the_page_so_the_next_sends_it_again_with_the_same_ids()
    {
        var feed = await FeedOfAsync(12);
        var id = await SubscribeAsync(_receiver.Url("/ok/dies"));
        using var dying = new CancellationTokenSource();
        // The process stops once three deliveries were answered (the page is still going).
        var stop = _receiver.WaitUntilAsync(() => _receiver.At("/ok/dies").Count >= 3, TimeSpan.FromSeconds(60)).ContinueWith(_ => dying.Cancel());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Dispatcher().DeliverAsync(_tenant, id, dying.Token));
        await stop;
        var before = _receiver.At("/ok/dies").Count;
        Assert.InRange(before, 3, 12);
        Assert.Equal(0, (await ReadAsync(id)).Delivery.Cursor);

        await Dispatcher().DeliverAsync(_tenant, id, default);

        var ids = feed.Select(e => e.Event.Id).ToList();
        Assert.Equal([.. ids.Take(before), .. ids], _receiver.At("/ok/dies").Select(d => d.Id));
        Assert.Equal(feed[^1].Event.Position, (await ReadAsync(id)).Delivery.Cursor);
    }
}
