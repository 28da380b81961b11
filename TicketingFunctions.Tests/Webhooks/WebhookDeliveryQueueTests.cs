using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Observability;
using TicketingFunctions.Tickets.Events;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Tests.Webhooks;

/// <summary>
/// The Functions host's delivery through the Storage queue, on mocked stores and a mocked <see cref="QueueClient"/>:
/// the timer enqueues one message per subscription with due work, a message is one pass of its subscription, and a
/// message the timer did not write is logged and dropped.
/// </summary>
public sealed class WebhookDeliveryQueueTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T00:00:00Z");
    private readonly FakeTimeProvider _time = new(Now);
    private readonly Mock<IWebhookStore> _webhooks = new(MockBehavior.Strict);
    private readonly Mock<ITicketEventStore> _events = new(MockBehavior.Strict);
    private readonly Mock<QueueClient> _queue = new(MockBehavior.Strict);
    private readonly List<string> _sent = [];
    private readonly CapturingLoggerProvider _logs = new();

    private WebhookDeliveryQueue Queue()
    {
        var options = Options.Create(new WebhookOptions());
        var sender = new WebhookSender(new WebhookAddressGuard(new DnsWebhookHostResolver(), options), _time);
        var dispatcher = new WebhookDispatcher(_webhooks.Object, _events.Object, sender, _time, options,
            Options.Create(new EventOptions()), NullLogger<WebhookDispatcher>.Instance);
        return new WebhookDeliveryQueue(_queue.Object, dispatcher, new LoggerFactory([_logs]).CreateLogger<WebhookDeliveryQueue>());
    }

    private void AcceptSends() =>
        _queue.Setup(q => q.SendMessageAsync(It.IsAny<string>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .Callback((string text, TimeSpan? _, TimeSpan? _, CancellationToken _) => _sent.Add(text))
            .ReturnsAsync(Response.FromValue(QueuesModelFactory.SendReceipt("m", Now, Now, "pop", Now), Mock.Of<Response>()));

    private static WebhookSubscription Subscription(string tenant, long cursor, string status = WebhookStatus.Active, string? nextAttemptAt = null, long[]? redeliver = null) =>
        WebhookStoreContract.NewSubscription(tenant) with
        {
            Status = status,
            Delivery = new WebhookDeliveryState { Cursor = cursor, NextAttemptAt = nextAttemptAt, Redeliver = redeliver ?? [] },
        };

    private static StoredWebhook Stored(WebhookSubscription s) => new(s, "etag-" + s.Id);

    private static EventPage Page(params long[] positions) =>
        new([.. positions.Select(p => new StoredTicketEvent(new TicketEvent
        {
            Position = p, Id = "e" + p, Type = TicketEventTypes.Created, Time = "2026-12-05T00:00:00.000Z", TenantId = "t", TicketId = "i",
            ObjectId = "CTC-0001", TeamId = "team", Sequence = 1,
        }, ReadOnlyMemory<byte>.Empty))], positions.LastOrDefault(), false);

    /// <summary>The feed of <paramref name="tenant"/> ends at <paramref name="last"/>: a read after a cursor finds an event if the cursor is behind it.</summary>
    private void FeedEndsAt(string tenant, long last) =>
        _events.Setup(e => e.ReadEventsAsync(tenant, It.IsAny<long>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, long after, int _, CancellationToken _) => after < last ? Page(after + 1) : Page());

    private static (string Tenant, string Subscription) Read(string message)
    {
        var root = JsonDocument.Parse(message).RootElement;
        return (root.GetProperty("tenant").GetString()!, root.GetProperty("subscription").GetString()!);
    }

    [Fact]
    public async Task The_timer_enqueues_one_message_per_subscription_with_due_work_and_none_for_the_others()
    {
        string t1 = Guid.NewGuid().ToString(), t2 = Guid.NewGuid().ToString(), idle = Guid.NewGuid().ToString();
        var behind = Subscription(t1, cursor: 3);
        var alsoBehind = Subscription(t1, cursor: 3);
        var caughtUp = Subscription(t1, cursor: 5);
        var paused = Subscription(t1, cursor: 0, status: WebhookStatus.Paused);
        var disabled = Subscription(t1, cursor: 0, status: WebhookStatus.Disabled);
        var waitingForRetry = Subscription(t1, cursor: 0, nextAttemptAt: "2026-12-06T00:05:00.000Z");
        var retryDue = Subscription(t1, cursor: 0, nextAttemptAt: "2026-12-05T23:59:00.000Z");
        var redeliveryAsked = Subscription(t1, cursor: 5, redeliver: [2]);
        var otherTenant = Subscription(t2, cursor: 0);
        _events.Setup(e => e.ListTenantsAsync(It.IsAny<CancellationToken>())).ReturnsAsync([t1, t2, idle]);
        _webhooks.Setup(w => w.ListWebhooksAsync(t1, It.IsAny<CancellationToken>()))
            .ReturnsAsync([.. new[] { behind, alsoBehind, caughtUp, paused, disabled, waitingForRetry, retryDue, redeliveryAsked }.Select(Stored)]);
        _webhooks.Setup(w => w.ListWebhooksAsync(t2, It.IsAny<CancellationToken>())).ReturnsAsync([Stored(otherTenant)]);
        _webhooks.Setup(w => w.ListWebhooksAsync(idle, It.IsAny<CancellationToken>())).ReturnsAsync([]);
        FeedEndsAt(t1, 5);
        FeedEndsAt(t2, 1);
        AcceptSends();

        var enqueued = await Queue().EnqueueDueAsync(default);

        var expected = new[] { behind, alsoBehind, retryDue, redeliveryAsked, otherTenant }.Select(s => (s.TenantId, s.Id)).ToList();
        Assert.Equal(expected, _sent.Select(Read));
        Assert.Equal(expected.Count, enqueued);
        // Each message expires if nobody takes it (the next tick enqueues again), and is visible at once.
        _queue.Verify(q => q.SendMessageAsync(It.IsAny<string>(), null, WebhookDeliveryQueue.MessageTimeToLive, It.IsAny<CancellationToken>()), Times.Exactly(expected.Count));
        // Subscriptions at one cursor share one read of the feed; a redelivery needs none.
        _events.Verify(e => e.ReadEventsAsync(t1, 3, 1, It.IsAny<CancellationToken>()), Times.Once);
        _events.Verify(e => e.ReadEventsAsync(t1, 5, 1, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_message_is_one_pass_of_its_subscription_and_of_no_other()
    {
        var tenant = Guid.NewGuid().ToString();
        var subscription = Subscription(tenant, cursor: 7);
        _webhooks.Setup(w => w.GetWebhookAsync(tenant, subscription.Id, It.IsAny<CancellationToken>())).ReturnsAsync(Stored(subscription));
        _events.Setup(e => e.ReadEventsAsync(tenant, 7, It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync(new EventPage([], 7, false));

        await Queue().HandleAsync(new WebhookDeliveryMessage(tenant, subscription.Id).ToJson(), default);

        // The pass read that subscription and the feed after its cursor, found nothing new, and wrote nothing; it never
        // listed tenants or subscriptions (strict mocks: any other call fails) and sent nothing to the queue.
        _webhooks.Verify(w => w.GetWebhookAsync(tenant, subscription.Id, It.IsAny<CancellationToken>()), Times.Once);
        _events.Verify(e => e.ReadEventsAsync(tenant, 7, It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Once);
        _webhooks.VerifyNoOtherCalls();
        _events.VerifyNoOtherCalls();
        _queue.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("[1,2]")]
    [InlineData("""{"tenant":"","subscription":"wh_1"}""")]
    [InlineData("""{"tenant":"t","subscription":null}""")]
    [InlineData("""{"tenant":1,"subscription":"wh_1"}""")]
    public async Task A_malformed_message_is_logged_and_dropped_without_touching_the_stores(string message)
    {
        // Returning normally deletes the message: retrying it could never succeed.
        await Queue().HandleAsync(message, default);

        Assert.Contains(_logs.Lines, l => l.Contains("was dropped", StringComparison.Ordinal));
        _webhooks.VerifyNoOtherCalls();
        _events.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task An_oversized_id_is_malformed()
    {
        await Queue().HandleAsync(new WebhookDeliveryMessage(new string('t', 101), "wh_1").ToJson(), default);

        Assert.Contains(_logs.Lines, l => l.Contains("was dropped", StringComparison.Ordinal));
        _webhooks.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_duplicate_message_while_this_process_runs_the_pass_does_nothing()
    {
        var tenant = Guid.NewGuid().ToString();
        var subscription = Subscription(tenant, cursor: 0);
        var read = new TaskCompletionSource<StoredWebhook?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _webhooks.Setup(w => w.GetWebhookAsync(tenant, subscription.Id, It.IsAny<CancellationToken>()))
            .Returns(() => { reading.TrySetResult(); return read.Task; });
        var queue = Queue();
        var message = new WebhookDeliveryMessage(tenant, subscription.Id).ToJson();

        var first = queue.HandleAsync(message, default);
        await reading.Task;
        await queue.HandleAsync(message, default);
        read.SetResult(null);   // deleted meanwhile: the first pass ends
        await first;

        _webhooks.Verify(w => w.GetWebhookAsync(tenant, subscription.Id, It.IsAny<CancellationToken>()), Times.Once);

        // Once the pass is over, the next message runs one again.
        await queue.HandleAsync(message, default);
        _webhooks.Verify(w => w.GetWebhookAsync(tenant, subscription.Id, It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task A_failing_pass_throws_so_the_queue_retries_the_message_and_then_sets_it_aside()
    {
        var tenant = Guid.NewGuid().ToString();
        _webhooks.Setup(w => w.GetWebhookAsync(tenant, "wh_1", It.IsAny<CancellationToken>())).ThrowsAsync(new StoreUnavailableException("down", TimeSpan.FromSeconds(1)));
        var queue = Queue();

        await Assert.ThrowsAsync<StoreUnavailableException>(() => queue.HandleAsync(new WebhookDeliveryMessage(tenant, "wh_1").ToJson(), default));

        // The pass is not left marked as running: the retry runs it.
        await Assert.ThrowsAsync<StoreUnavailableException>(() => queue.HandleAsync(new WebhookDeliveryMessage(tenant, "wh_1").ToJson(), default));
        _webhooks.Verify(w => w.GetWebhookAsync(tenant, "wh_1", It.IsAny<CancellationToken>()), Times.Exactly(2));

        // A message that keeps failing goes to the poison queue after a few tries instead of holding a worker forever.
        var queues = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json"))).RootElement
            .GetProperty("extensions").GetProperty("queues");
        Assert.InRange(queues.GetProperty("maxDequeueCount").GetInt32(), 1, 5);
    }
}
