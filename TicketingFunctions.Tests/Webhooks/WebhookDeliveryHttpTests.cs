using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StandardWebhooks;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tests.Http;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;
using static TicketingFunctions.Tests.Http.AttachmentApi;

namespace TicketingFunctions.Tests.Webhooks;

public sealed class WebhookDeliveryHttpOnEmbeddedStore() : WebhookDeliveryHttpTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class WebhookDeliveryHttpOnCosmos(CosmosEmulatorFixture emulator) : WebhookDeliveryHttpTests(new CosmosHosts(emulator));

/// <summary>
/// Deliveries end to end over the standalone host: API writes → feed → dispatcher → a loopback receiver in the test,
/// which verifies every signature with the StandardWebhooks library (not the product's code).
/// </summary>
public abstract class WebhookDeliveryHttpTests(IApiHosts hosts) : IAsyncLifetime
{
    private const string WebhooksPath = WebhookSubscriptionHttpTests.WebhooksPath;

    private TestApi Api { get; set; } = null!;
    private WebhookReceiver Receiver { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        Api = await hosts.StartAsync(settings =>
        {
            settings["Events:MaintenanceIntervalSeconds"] = "0";
            settings["Webhooks:AllowLoopback"] = "true";
            settings["Webhooks:PollIntervalMilliseconds"] = "50";
        });
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    private string Admin => Api.Token(roles: "tenant_admin");

    private async Task<(string Id, string Secret)> SubscribeAsync(string path, string members = "")
    {
        // On Cosmos DB, events reach the feed just after the write: let the publisher run as it does after every write.
        var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Post, WebhooksPath, Admin, $$"""{"url":"{{Receiver.Url(path)}}"{{members}}}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        return (body.GetProperty("webhook").GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!);
    }

    private async Task DrainPublisherAsync()
    {
        if (Api.Services.GetRequiredService<ITicketEventStore>() is CosmosTicketStore cosmos) await cosmos.DrainPublisherAsync();
    }

    /// <summary>Verifies the delivery with the StandardWebhooks library and the given secret; throws when it does not verify.</summary>
    private static void Verify(string secret, ReceivedDelivery delivery) => new StandardWebhook(secret).Verify(delivery.Body, delivery.Headers);

    [Fact]
    public async Task Each_wanted_event_arrives_signed_with_the_event_id_as_webhook_id_and_the_cloud_event_as_body()
    {
        var (_, secret) = await SubscribeAsync("/ok/all");
        var (_, createdOnly) = await SubscribeAsync("/ok/created", ""","eventTypes":["ticket.created"],"includeData":true""");
        var ticket = await Api.CreateTicketAsync();
        var read = await TicketOf(await Api.GetTicketAsync(ticket.ObjectId(), Admin));
        var patched = await Api.PatchAsync(ticket.ObjectId(), Patch(read.Etag(), "\"summary\":\"Laptop is on fire\",\"status_type\":\"In Progress\""), Admin);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        await DrainPublisherAsync();

        var all = await Receiver.WaitForAsync("/ok/all", 3);
        var created = await Receiver.WaitForAsync("/ok/created", 1);

        foreach (var delivery in all) Verify(secret, delivery);
        Verify(createdOnly, Assert.Single(created));
        var events = all.Select(d => JsonDocument.Parse(d.Body).RootElement).ToList();
        Assert.Equal(["ticket.created", "ticket.updated", "ticket.status_changed"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(events.Select(e => e.GetProperty("id").GetString()), all.Select(d => d.Id));
        Assert.Equal($"{ticket.GetProperty("id").GetString()}-v1-ticket.created", all[0].Id);
        Assert.Equal(("1.0", ticket.ObjectId(), TestApi.Tenant), (events[0].GetProperty("specversion").GetString(),
            events[0].GetProperty("subject").GetString(), events[0].GetProperty("tenant").GetString()));
        Assert.False(events[0].GetProperty("data").GetProperty("ticket").TryGetProperty("data", out _), "no ticket data unless the subscription asks");
        Assert.True(JsonDocument.Parse(created[0].Body).RootElement.GetProperty("data").GetProperty("ticket").TryGetProperty("data", out _));
        Assert.StartsWith("v1,", all[0].Signature);
        // Ordering: per ticket, sequence never goes backwards in what one subscription receives.
        var sequences = events.Select(e => e.GetProperty("sequence").GetInt32()).ToList();
        Assert.Equal(sequences.Order(), sequences);
    }

    [Fact]
    public async Task After_a_rotation_deliveries_carry_two_signatures_each_verifying_with_its_secret()
    {
        var (id, old) = await SubscribeAsync("/ok/rotated");
        var rotated = await (await Api.Client.SendAsync(Api.Request(HttpMethod.Post, $"{WebhooksPath}/{id}/rotate-secret", Admin))).JsonAsync();
        var fresh = rotated.GetProperty("secret").GetString()!;
        await Api.CreateTicketAsync();
        await DrainPublisherAsync();

        var delivery = Assert.Single(await Receiver.WaitForAsync("/ok/rotated", 1));

        Assert.Equal(2, delivery.Signature.Split(' ').Distinct().Count());
        Verify(old, delivery);
        Verify(fresh, delivery);
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => Verify(StandardWebhooksSecret(), delivery));
    }

    private static string StandardWebhooksSecret() => TicketingFunctions.Tickets.Webhooks.WebhookSecrets.New();

    [Fact]
    public async Task A_hanging_endpoint_does_not_delay_another_subscription()
    {
        await SubscribeAsync("/hang/slow");
        await SubscribeAsync("/ok/fast");
        for (var i = 0; i < 3; i++) await Api.CreateTicketAsync();
        await DrainPublisherAsync();

        // Every event reaches the healthy endpoint while the hanging one still holds its first request.
        var fast = await Receiver.WaitForAsync("/ok/fast", 3);
        Assert.Equal(3, fast.Select(d => d.Id).Distinct().Count());
        Assert.Single(Receiver.At("/hang/slow"));
    }

    [Fact]
    public async Task A_paused_subscription_gets_nothing_until_resumed_and_then_everything_it_missed()
    {
        var (id, secret) = await SubscribeAsync("/ok/paused");
        await Api.Client.SendAsync(Api.Request(HttpMethod.Post, $"{WebhooksPath}/{id}/pause", Admin));
        await SubscribeAsync("/ok/witness");
        await Api.CreateTicketAsync();
        await Api.CreateTicketAsync();
        await DrainPublisherAsync();
        await Receiver.WaitForAsync("/ok/witness", 2);
        Assert.Empty(Receiver.At("/ok/paused"));

        await Api.Client.SendAsync(Api.Request(HttpMethod.Post, $"{WebhooksPath}/{id}/resume", Admin));

        var delivered = await Receiver.WaitForAsync("/ok/paused", 2);
        foreach (var delivery in delivered) Verify(secret, delivery);
    }
}
