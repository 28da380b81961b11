using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
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

    private WebhookDispatcher Dispatcher(bool allowLoopback = true, IWebhookHostResolver? resolver = null)
    {
        var options = Options.Create(new WebhookOptions { AllowLoopback = allowLoopback });
        var guard = new WebhookAddressGuard(resolver ?? new DnsWebhookHostResolver(), options);
        return new WebhookDispatcher(_webhooks, _tickets, new WebhookSender(guard, _time), _time, options,
            Options.Create(new TicketingFunctions.Tickets.Events.EventOptions()), NullLogger<WebhookDispatcher>.Instance);
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
}
