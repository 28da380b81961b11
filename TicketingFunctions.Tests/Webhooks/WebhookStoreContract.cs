using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Tests.Webhooks;

/// <summary>The behaviour every <see cref="IWebhookStore"/> must have; each implementation runs it through a subclass.</summary>
public abstract class WebhookStoreContract
{
    protected abstract IWebhookStore Store { get; }

    internal static WebhookSubscription NewSubscription(string tenant, string createdAt = "2026-12-06T01:00:00.000Z", string url = "https://hooks.example.com/in") => new()
    {
        Id = "wh_" + Guid.NewGuid().ToString("N"),
        TenantId = tenant,
        Url = url,
        EventTypes = ["ticket.created"],
        TeamIds = ["team-a"],
        Status = WebhookStatus.Active,
        Secrets = [new WebhookSecret(WebhookSecrets.New(), createdAt, null)],
        CreatedAt = createdAt,
        DeliverFrom = createdAt,
        UpdatedAt = createdAt,
        Etag = Guid.NewGuid().ToString(),
    };

    private static string NewTenant() => Guid.NewGuid().ToString();

    [Fact]
    public async Task A_created_subscription_reads_back_whole_and_lists_in_its_tenant_only()
    {
        var tenant = NewTenant();
        var subscription = NewSubscription(tenant) with { Description = "CRM", IncludeData = true, Delivery = new WebhookDeliveryState { Cursor = 7 } };

        var created = await Store.CreateWebhookAsync(subscription, default);
        var read = await Store.GetWebhookAsync(tenant, subscription.Id, default);

        Assert.NotNull(read);
        Assert.Equal(created.StoreEtag, read.StoreEtag);
        Assert.Equal((subscription.Url, subscription.Description, subscription.IncludeData, 7L, subscription.Etag),
            (read.Subscription.Url, read.Subscription.Description, read.Subscription.IncludeData, read.Subscription.Delivery.Cursor, read.Subscription.Etag));
        Assert.Equal(subscription.EventTypes, read.Subscription.EventTypes);
        Assert.Equal(subscription.TeamIds, read.Subscription.TeamIds);
        Assert.Equal(subscription.Secrets, read.Subscription.Secrets);
        Assert.Equal(subscription.Id, Assert.Single(await Store.ListWebhooksAsync(tenant, default)).Subscription.Id);
        Assert.Empty(await Store.ListWebhooksAsync(NewTenant(), default));
        Assert.Null(await Store.GetWebhookAsync(NewTenant(), subscription.Id, default));
    }

    [Fact]
    public async Task The_list_is_oldest_first()
    {
        var tenant = NewTenant();
        var later = NewSubscription(tenant, "2026-12-06T02:00:00.000Z");
        var earlier = NewSubscription(tenant, "2026-12-06T01:00:00.000Z");
        await Store.CreateWebhookAsync(later, default);
        await Store.CreateWebhookAsync(earlier, default);

        Assert.Equal([earlier.Id, later.Id], (await Store.ListWebhooksAsync(tenant, default)).Select(w => w.Subscription.Id));
    }

    [Fact]
    public async Task A_replace_needs_the_store_etag_read_so_two_writers_never_overwrite_each_other()
    {
        var tenant = NewTenant();
        var created = await Store.CreateWebhookAsync(NewSubscription(tenant), default);

        var first = await Store.ReplaceWebhookAsync(created.Subscription with { Status = WebhookStatus.Paused }, created.StoreEtag, default);
        await Assert.ThrowsAsync<EtagMismatchException>(() =>
            Store.ReplaceWebhookAsync(created.Subscription with { Delivery = new WebhookDeliveryState { Cursor = 3 } }, created.StoreEtag, default));

        Assert.NotEqual(created.StoreEtag, first.StoreEtag);
        var read = (await Store.GetWebhookAsync(tenant, created.Subscription.Id, default))!;
        Assert.Equal((WebhookStatus.Paused, 0L, first.StoreEtag), (read.Subscription.Status, read.Subscription.Delivery.Cursor, read.StoreEtag));
    }

    [Fact]
    public async Task Delete_removes_it_once_and_a_replace_after_it_is_refused()
    {
        var tenant = NewTenant();
        var created = await Store.CreateWebhookAsync(NewSubscription(tenant), default);

        Assert.True(await Store.DeleteWebhookAsync(tenant, created.Subscription.Id, default));
        Assert.False(await Store.DeleteWebhookAsync(tenant, created.Subscription.Id, default));
        Assert.Null(await Store.GetWebhookAsync(tenant, created.Subscription.Id, default));
        Assert.Empty(await Store.ListWebhooksAsync(tenant, default));
        await Assert.ThrowsAsync<EtagMismatchException>(() => Store.ReplaceWebhookAsync(created.Subscription, created.StoreEtag, default));
    }

    [Fact]
    public async Task Another_tenant_cannot_delete_or_replace_it()
    {
        var tenant = NewTenant();
        var created = await Store.CreateWebhookAsync(NewSubscription(tenant), default);
        var other = NewTenant();

        Assert.False(await Store.DeleteWebhookAsync(other, created.Subscription.Id, default));
        await Assert.ThrowsAsync<EtagMismatchException>(() =>
            Store.ReplaceWebhookAsync(created.Subscription with { TenantId = other }, created.StoreEtag, default));
        Assert.NotNull(await Store.GetWebhookAsync(tenant, created.Subscription.Id, default));
    }

    private static WebhookAttempt Attempt(string tenant, string webhookId, string eventId, DateTimeOffset at) => new()
    {
        Id = WebhookAttempt.NewId(at),
        TenantId = tenant,
        WebhookId = webhookId,
        EventId = eventId,
        EventType = "ticket.created",
        EventPosition = 4,
        AttemptedAt = at.ToString("O"),
        Success = false,
        Status = 503,
        Error = "HTTP 503",
        LatencyMs = 12,
        Response = "busy",
        Ttl = 600,
    };

    [Fact]
    public async Task The_delivery_log_pages_newest_first_per_subscription_and_per_event()
    {
        var tenant = NewTenant();
        var start = DateTimeOffset.Parse("2026-12-06T00:00:00Z");
        for (var i = 0; i < 5; i++) await Store.AppendAttemptsAsync([Attempt(tenant, "wh_a", i % 2 == 0 ? "evt-even" : "evt-odd", start.AddSeconds(i))], default);
        await Store.AppendAttemptsAsync([Attempt(tenant, "wh_b", "evt-even", start.AddSeconds(9))], default);
        await Store.AppendAttemptsAsync([Attempt(NewTenant(), "wh_a", "evt-even", start.AddSeconds(9))], default);

        var first = await Store.ListAttemptsAsync(tenant, "wh_a", null, null, 3, default);
        var second = await Store.ListAttemptsAsync(tenant, "wh_a", null, first.Next, 3, default);
        var even = await Store.ListAttemptsAsync(tenant, "wh_a", "evt-even", null, 10, default);

        Assert.Equal([start.AddSeconds(4), start.AddSeconds(3), start.AddSeconds(2)], first.Attempts.Select(a => DateTimeOffset.Parse(a.AttemptedAt)));
        Assert.Equal([start.AddSeconds(1), start], second.Attempts.Select(a => DateTimeOffset.Parse(a.AttemptedAt)));
        Assert.Null(second.Next);
        Assert.Equal(3, even.Attempts.Count);
        Assert.All(even.Attempts, a => Assert.Equal("evt-even", a.EventId));
        var one = first.Attempts[0];
        Assert.Equal((503, "HTTP 503", 12L, "busy", 4L, false), (one.Status, one.Error, one.LatencyMs, one.Response, one.EventPosition, one.Success));
    }

    [Fact]
    public async Task A_page_of_attempts_is_logged_by_one_call_whole_and_an_empty_one_writes_nothing()
    {
        var tenant = NewTenant();
        var start = DateTimeOffset.Parse("2026-12-06T00:00:00Z");
        // What one page of deliveries logs: its successes, then the failure it stopped at.
        var page = Enumerable.Range(0, 50).Select(i => Attempt(tenant, "wh_page", $"evt-{i}", start.AddMilliseconds(i)) with
        {
            EventPosition = i + 1, Success = i < 49, Status = i < 49 ? 204 : 503, Error = i < 49 ? null : "HTTP 503", Response = null,
        }).ToList();

        await Store.AppendAttemptsAsync(page, default);
        await Store.AppendAttemptsAsync([], default);

        var logged = await Store.ListAttemptsAsync(tenant, "wh_page", null, null, 100, default);
        Assert.Null(logged.Next);
        Assert.Equal(page.Select(a => (a.Id, a.EventId, a.EventPosition, a.Success, a.Status)).Reverse(),
            logged.Attempts.Select(a => (a.Id, a.EventId, a.EventPosition, a.Success, a.Status)));
        Assert.Equal("evt-7", Assert.Single((await Store.ListAttemptsAsync(tenant, "wh_page", "evt-7", null, 10, default)).Attempts).EventId);
        Assert.Empty((await Store.ListAttemptsAsync(tenant, "wh_other", null, null, 10, default)).Attempts);
    }
}

public sealed class EmbeddedWebhookStoreTests : WebhookStoreContract, IDisposable
{
    private readonly string _folder = TestDataFolders.New();
    private readonly EmbeddedWebhookStore _store;

    public EmbeddedWebhookStoreTests() => _store = new EmbeddedWebhookStore(_folder);

    protected override IWebhookStore Store => _store;

    public void Dispose()
    {
        _store.Dispose();
        TestDataFolders.Delete(_folder);
    }

    [Fact]
    public async Task Subscriptions_survive_a_restart()
    {
        var tenant = Guid.NewGuid().ToString();
        var created = await _store.CreateWebhookAsync(NewSubscription(tenant), default);
        _store.Dispose();

        using var reopened = new EmbeddedWebhookStore(_folder);
        var read = await reopened.GetWebhookAsync(tenant, created.Subscription.Id, default);
        Assert.Equal(created.StoreEtag, read?.StoreEtag);
    }
}

[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosWebhookStoreTests(CosmosEmulatorFixture emulator) : WebhookStoreContract
{
    private readonly CosmosWebhookStore _store = new(emulator.NewProvider("shared"));

    protected override IWebhookStore Store => _store;

    [Fact]
    public async Task A_document_of_another_kind_in_the_partition_is_not_a_subscription()
    {
        var tenant = Guid.NewGuid().ToString();
        // The tenant's counter document shares the partition: read by its id, it is not a subscription.
        await emulator.SharedStore.NextDisplayNumberAsync(tenant, "X", default);
        foreach (var id in new[] { "counter", "catalog" })
            Assert.Null(await _store.GetWebhookAsync(tenant, id, default));
    }
}
