using System.Text.Json;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Events;
using TicketingFunctions.Tests.Storage;

namespace TicketingFunctions.Tests.Webhooks;

/// <summary>The bodies webhooks send: built once per event and includeData for every subscription, and only the recent ones kept.</summary>
public sealed class WebhookPayloadsTests : IDisposable
{
    private readonly string _folder = TestDataFolders.New();
    private readonly EmbeddedTicketStore _tickets;
    private readonly string _tenant = Guid.NewGuid().ToString();

    public WebhookPayloadsTests() => _tickets = new EmbeddedTicketStore(_folder);

    public void Dispose()
    {
        _tickets.Dispose();
        TestDataFolders.Delete(_folder);
    }

    private async Task<StoredTicketEvent> EventAsync(string displayId)
    {
        await _tickets.CreateTicketAsync(TicketEventStoreContract.Created(_tenant, displayId), default);
        var feed = (await _tickets.ReadEventsAsync(_tenant, 0, 10_000, default)).Events;
        return feed[^1];
    }

    [Fact]
    public async Task An_event_s_body_is_built_once_per_include_data_and_is_the_feed_s_envelope()
    {
        var payloads = new WebhookPayloads();
        var e = await EventAsync("CTC-0001");

        var without = payloads.Of(e, includeData: false);
        var with = payloads.Of(e, includeData: true);

        // Another subscription sending the same event gets the same bytes, not a new serialization.
        Assert.Same(without, payloads.Of(e, includeData: false));
        Assert.Same(with, payloads.Of(e, includeData: true));
        Assert.Equal(WebhookPayloads.Build(e, false), without);
        Assert.Equal(WebhookPayloads.Build(e, true), with);
        var ticket = JsonDocument.Parse(without).RootElement.GetProperty("data").GetProperty("ticket");
        Assert.False(ticket.TryGetProperty("data", out _));
        Assert.True(JsonDocument.Parse(with).RootElement.GetProperty("data").GetProperty("ticket").TryGetProperty("data", out _));
        Assert.Equal(e.Event.Id, JsonDocument.Parse(without).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Only_the_most_recent_bodies_are_kept()
    {
        var payloads = new WebhookPayloads();
        var first = await EventAsync("CTC-0001");
        var body = payloads.Of(first, false);
        var later = await EventAsync("CTC-0002");

        // As many other bodies as it keeps: the first one goes out, the latest stays.
        var others = Enumerable.Range(0, WebhookPayloads.Capacity).Select(i => later with { Event = later.Event with { Position = 1_000_000 + i } }).ToList();
        var bodies = others.Select(e => payloads.Of(e, false)).ToList();

        Assert.Equal(WebhookPayloads.Capacity, payloads.Count);
        var rebuilt = payloads.Of(first, false);
        Assert.NotSame(body, rebuilt);
        Assert.Equal(body, rebuilt);
        Assert.Same(bodies[^1], payloads.Of(others[^1], false));
    }
}
