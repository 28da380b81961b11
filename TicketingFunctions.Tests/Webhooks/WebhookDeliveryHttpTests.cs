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
        // Each delivery is the payload openapi.yaml's webhooks describe for its type, headers included.
        foreach (var delivery in all.Concat(created)) AssertDocumentedPayload(delivery);
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
        // The hanging endpoint's first request may reach the receiver after the fast ones: wait for it, then it is the only one.
        Assert.Single(await Receiver.WaitForAsync("/hang/slow", 1));
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

    private async Task<JsonElement> AttemptsAsync(string id, string query = "")
    {
        var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, $"{WebhooksPath}/{id}/attempts{query}", Admin));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task Each_attempt_is_in_the_delivery_log_with_its_status_latency_and_the_answer_s_first_kilobyte()
    {
        var (id, _) = await SubscribeAsync("/fail/logged");
        await Api.CreateTicketAsync();
        await DrainPublisherAsync();
        var sent = Assert.Single(await Receiver.WaitForAsync("/fail/logged", 1));

        // The log is written right after the attempt: wait for the work item to finish.
        await Api.Services.GetRequiredService<TicketingFunctions.Services.WebhookDispatcher>().DrainAsync();
        var attempt = Assert.Single((await AttemptsAsync(id)).GetProperty("attempts").EnumerateArray());

        Assert.Equal((sent.Id, "ticket.created", false, 503, "HTTP 503", 1024), (attempt.GetProperty("eventId").GetString(), attempt.GetProperty("eventType").GetString(),
            attempt.GetProperty("success").GetBoolean(), attempt.GetProperty("status").GetInt32(), attempt.GetProperty("error").GetString(),
            attempt.GetProperty("response").GetString()!.Length));
        Assert.True(attempt.GetProperty("latencyMs").GetInt64() >= 0);
        Assert.Single((await AttemptsAsync(id, $"?eventId={Uri.EscapeDataString(sent.Id)}")).GetProperty("attempts").EnumerateArray());
        Assert.Empty((await AttemptsAsync(id, "?eventId=another")).GetProperty("attempts").EnumerateArray());
        var read = await (await Api.Client.SendAsync(Api.Request(HttpMethod.Get, $"{WebhooksPath}/{id}", Admin))).JsonAsync();
        Assert.Equal((1, "HTTP 503"), (read.GetProperty("webhook").GetProperty("delivery").GetProperty("failedAttempts").GetInt32(),
            read.GetProperty("webhook").GetProperty("delivery").GetProperty("lastError").GetString()));
    }

    [Fact]
    public async Task The_log_pages_newest_first()
    {
        var (id, _) = await SubscribeAsync("/ok/paged");
        for (var i = 0; i < 3; i++) await Api.CreateTicketAsync();
        await DrainPublisherAsync();
        var sent = await Receiver.WaitForAsync("/ok/paged", 3);
        await Api.Services.GetRequiredService<TicketingFunctions.Services.WebhookDispatcher>().DrainAsync();

        var first = await AttemptsAsync(id, "?pageSize=2");
        var second = await AttemptsAsync(id, $"?pageSize=2&after={first.GetProperty("next").GetString()}");

        var ids = first.GetProperty("attempts").EnumerateArray().Concat(second.GetProperty("attempts").EnumerateArray()).Select(a => a.GetProperty("eventId").GetString()).ToList();
        Assert.Equal(sent.Select(d => d.Id).Reverse(), ids);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Redeliver_sends_one_event_again_with_the_same_webhook_id()
    {
        var (id, secret) = await SubscribeAsync("/ok/again");
        await Api.CreateTicketAsync();
        await DrainPublisherAsync();
        var first = Assert.Single(await Receiver.WaitForAsync("/ok/again", 1));
        await Api.Services.GetRequiredService<TicketingFunctions.Services.WebhookDispatcher>().DrainAsync();

        var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Post, $"{WebhooksPath}/{id}/redeliver", Admin, $$"""{"eventId":"{{first.Id}}"}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var both = await Receiver.WaitForAsync("/ok/again", 2);
        Assert.Equal(first.Id, both[1].Id);
        Assert.Equal(first.Body, both[1].Body);
        Verify(secret, both[1]);
    }

    [Fact]
    public async Task Redeliver_after_a_feed_cursor_sends_every_later_event_again_in_order()
    {
        var (id, _) = await SubscribeAsync("/ok/replay");
        for (var i = 0; i < 3; i++) await Api.CreateTicketAsync();
        await DrainPublisherAsync();
        var sent = await Receiver.WaitForAsync("/ok/replay", 3);
        await Api.Services.GetRequiredService<TicketingFunctions.Services.WebhookDispatcher>().DrainAsync();
        var page = await (await Api.Client.SendAsync(Api.Request(HttpMethod.Get, "/api/v2/ticketing/events?pageSize=1", Admin))).JsonAsync();

        var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Post, $"{WebhooksPath}/{id}/redeliver", Admin,
            $$"""{"after":"{{page.GetProperty("cursor").GetString()}}"}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var all = await Receiver.WaitForAsync("/ok/replay", 5);
        Assert.Equal(sent.Skip(1).Select(d => d.Id), all.Skip(3).Select(d => d.Id));
    }

    [Theory]
    [InlineData("""{"eventId":"never-sent"}""", "eventId", "Event never-sent was never sent to this subscription (within the delivery log's retention)")]
    [InlineData("""{"after":"AAAA"}""", "after", "after is not a cursor of this tenant's event feed (read without types or teamId)")]
    [InlineData("""{}""", "body", "Send either eventId (one event) or after (every event after a feed cursor)")]
    [InlineData("""{"eventId":"a","after":"b"}""", "body", "Send either eventId (one event) or after (every event after a feed cursor)")]
    [InlineData("""{"position":3}""", "position", "position is not a member of a redelivery; send eventId or after")]
    public async Task A_wrong_redelivery_is_a_400_keyed_by_the_member(string body, string key, string reason)
    {
        var (id, _) = await SubscribeAsync("/ok/wrong");

        var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Post, $"{WebhooksPath}/{id}/redeliver", Admin, body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([reason], (await response.JsonAsync()).Reasons(key));
    }

    private static void AssertDocumentedPayload(ReceivedDelivery delivery)
    {
        var contract = TicketingFunctions.Tests.OpenApi.OpenApiContract.Instance;
        var body = JsonDocument.Parse(delivery.Body).RootElement;
        var post = contract.Document["webhooks"]![body.GetProperty("type").GetString()!]!["post"]!;
        Assert.Empty(contract.Validate(post["requestBody"]!["content"]!["application/json"]!["schema"]!, body));
        foreach (var parameter in post["parameters"]!.AsArray())
        {
            var resolved = contract.Resolve(parameter!);
            var value = delivery.Headers[resolved["name"]!.GetValue<string>()].ToString();
            Assert.Empty(contract.Validate(resolved["schema"]!, JsonDocument.Parse(JsonSerializer.Serialize(value)).RootElement));
        }
    }
}
