using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Attachments;
using TicketingFunctions.Tests.Events;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Tests.Webhooks;

/// <summary>
/// The queue path against Azurite's Queue service, on the embedded stores and a loopback receiver: the timer's
/// messages go through a real Storage queue (created by the first send), each message received is one subscription's
/// pass, and a duplicate message delivers nothing twice.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class WebhookDeliveryQueueAzuriteTests(AzuriteFixture azurite) : IAsyncLifetime
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

    [Fact]
    public async Task Timer_messages_go_through_the_storage_queue_and_each_is_one_subscriptions_pass()
    {
        var client = azurite.NewQueue();
        var options = Options.Create(new WebhookOptions { AllowLoopback = true });
        using var dispatcher = new WebhookDispatcher(_webhooks, _tickets,
            new WebhookSender(new WebhookAddressGuard(new DnsWebhookHostResolver(), options), _time), _time, options,
            Options.Create(new TicketingFunctions.Tickets.Events.EventOptions()), NullLogger<WebhookDispatcher>.Instance);
        var queue = new WebhookDeliveryQueue(client, dispatcher, NullLogger<WebhookDeliveryQueue>.Instance);
        string a = await SubscribeAsync("/a"), b = await SubscribeAsync("/b");

        Assert.Equal(2, await queue.EnqueueDueAsync(default));

        var messages = (await client.ReceiveMessagesAsync(maxMessages: 32)).Value;
        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), messages.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement.GetProperty("subscription").GetString()!).Order(StringComparer.Ordinal));

        // One message: only its subscription's receiver gets the events, in feed order.
        var first = messages.Single(m => m.Body.ToString().Contains(a, StringComparison.Ordinal));
        await queue.HandleAsync(first.Body.ToString(), default);
        Assert.Equal(["CTC-0001", "CTC-0002"], _receiver.At("/a").Select(Subject));
        Assert.Empty(_receiver.At("/b"));

        // The same message again (a redelivered queue message): the cursor has moved past both events, nothing is sent.
        await queue.HandleAsync(first.Body.ToString(), default);
        Assert.Equal(2, _receiver.At("/a").Count);

        // Now only b has due work, so the next tick enqueues b alone.
        Assert.Equal(1, await queue.EnqueueDueAsync(default));
        foreach (var m in messages) await client.DeleteMessageAsync(m.MessageId, m.PopReceipt);
        var next = (await client.ReceiveMessagesAsync(maxMessages: 32)).Value;
        Assert.Equal(b, JsonDocument.Parse(Assert.Single(next).Body.ToString()).RootElement.GetProperty("subscription").GetString());
        await queue.HandleAsync(next[0].Body.ToString(), default);
        Assert.Equal(["CTC-0001", "CTC-0002"], _receiver.At("/b").Select(Subject));
        Assert.Equal(0, await queue.EnqueueDueAsync(default));
    }

    private async Task<string> SubscribeAsync(string path)
    {
        var subscription = WebhookStoreContract.NewSubscription(_tenant, url: _receiver.Url(path)) with
        {
            EventTypes = [], TeamIds = [], DeliverFrom = "2000-01-01T00:00:00.000Z",
        };
        await _webhooks.CreateWebhookAsync(subscription, default);
        return subscription.Id;
    }

    private static string? Subject(ReceivedDelivery d) => JsonDocument.Parse(d.Body).RootElement.GetProperty("subject").GetString();
}
