using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using StandardWebhooks;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tests.FirstHour;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.OpenApi;

namespace TicketingFunctions.Tests.Webhooks;

/// <summary>
/// The issue's crash test, with a real process: the built standalone host runs as a child process on the Cosmos DB
/// emulator, takes concurrent creates and updates, is killed with SIGKILL once enough writes were acknowledged, and
/// restarts on the same database. Every acknowledged write's events then reach a loopback receiver, which verifies each
/// signature with the StandardWebhooks library; a duplicate carries the same webhook-id.
/// </summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class HostKillWebhookTests(CosmosEmulatorFixture emulator) : IAsyncLifetime
{
    private const int Workers = 6;
    private const int KillAfterAcknowledged = 60;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly string _devKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();
    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private AuthOptions Auth => new()
    {
        IssuerTemplate = "http://localhost:7071/realms/{realm}",
        AllowedRealms = TestApi.Realm,
        Audience = "ticketing-api",
        DevSigningKey = _devKey,
    };

    private string Token(string roles) =>
        DevTokenIssuer.Issue(Auth, new DevTokenRequest(TestApi.Tenant, TestApi.Realm, [roles], ["james"], "tickets:read tickets:write"));

    /// <summary>The host on the given database, on a free loopback port, with its passes shortened for the test.</summary>
    private AppProcess StartHost(string database)
    {
        var environment = emulator.Settings(database).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        environment["Auth__DevSigningKey"] = _devKey;
        environment["Catalog__SeedFile"] = CatalogFileReader.SampleCatalogPath;
        environment["Webhooks__AllowLoopback"] = "true";
        environment["Webhooks__PollIntervalMilliseconds"] = "50";
        // The catch-up runs at start and then every second; a hole the killed process left in the feed's positions is
        // passed after 3 request budgets (6 s here instead of 30 s; a request that takes longer fails and is retried).
        environment["Events__MaintenanceIntervalSeconds"] = "1";
        environment["CosmosDb__RequestBudgetSeconds"] = "2";
        return AppProcess.Start(environment, "--urls", "http://127.0.0.1:0");
    }

    private static async Task<HttpClient> ClientAsync(AppProcess host)
    {
        var line = await host.LineAsync(l => l.Contains("is listening on http://127.0.0.1:", StringComparison.Ordinal));
        var url = line[(line.IndexOf("http://", StringComparison.Ordinal))..].Split(' ')[0];
        return OpenApiConformance.CreateClient(new Uri(url));
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token, string body)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("x-tenantid", TestApi.Tenant);
        request.Headers.TryAddWithoutValidation("realmname", TestApi.Realm);
        request.Headers.TryAddWithoutValidation("issupportrequest", "false");
        return request;
    }

    /// <summary>The ticket of a 200 answer, or null when the answer is anything else or never completes (the host died).</summary>
    private static async Task<JsonElement?> AcknowledgedAsync(HttpClient client, HttpRequestMessage request, CancellationToken stop)
    {
        try
        {
            using var response = await client.SendAsync(request, stop);
            if (response.StatusCode != HttpStatusCode.OK) return null;
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop)).RootElement.GetProperty("ticket").Clone();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    [Fact]
    public async Task After_a_SIGKILL_under_load_and_a_restart_every_acknowledged_writes_events_reach_the_receiver_duplicates_with_the_same_webhook_id()
    {
        var database = CosmosEmulatorFixture.NewDatabaseName();
        var admin = Token("tenant_admin");
        var user = Token("ticket_user");
        // Event ids are deterministic (ticket id + version + type): the acknowledged writes' events, by id.
        var acknowledged = new ConcurrentDictionary<string, byte>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string secret;

        using (var host = StartHost(database))
        using (var client = await ClientAsync(host))
        {
            using var subscribed = await client.SendAsync(Request(HttpMethod.Post, WebhookSubscriptionHttpTests.WebhooksPath, admin,
                $$"""{"url":"{{_receiver.Url("/ok/kill")}}"}"""));
            Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
            secret = (await subscribed.JsonAsync()).GetProperty("secret").GetString()!;

            using var stop = new CancellationTokenSource(Bound);
            void Acknowledge(string eventId)
            {
                acknowledged.TryAdd(eventId, 0);
                if (acknowledged.Count >= KillAfterAcknowledged) enough.TrySetResult();
            }
            // Each worker creates a ticket, then updates it (with the etag of its last answer) until the host is gone.
            var load = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    if (await AcknowledgedAsync(client, Request(HttpMethod.Post, TestApi.CreatePath, user, Bodies.ContractExample), stop.Token) is not { } ticket)
                        return;
                    var id = ticket.GetProperty("id").GetString()!;
                    Acknowledge($"{id}-v1-ticket.created");
                    for (var update = 1; update <= 3; update++)
                    {
                        var body = TicketLifecycleApi.Patch(ticket.Etag(), $"\"summary\":\"worker {worker} update {update}\"");
                        if (await AcknowledgedAsync(client, Request(HttpMethod.Patch, TicketLifecycleApi.UpdatePath(ticket.ObjectId()), user, body), stop.Token) is not { } updated)
                            return;
                        ticket = updated;
                        Acknowledge($"{id}-v{ticket.GetProperty("version").GetInt32()}-ticket.updated");
                    }
                }
            })).ToArray();

            Assert.True(await Task.WhenAny(enough.Task, Task.Delay(Bound)) == enough.Task,
                $"only {acknowledged.Count} writes were acknowledged within {Bound.TotalSeconds} s\n{host.Error}");
            // SIGKILL while the workers still write: the host can neither finish a hand-over nor save a cursor.
            host.Kill();
            await Task.WhenAll(load);
        }
        var expected = acknowledged.Keys.ToHashSet();
        Assert.True(expected.Count >= KillAfterAcknowledged);

        // The restart, on the same database: the catch-up hands over what the killed process left pending, and
        // delivery resumes from the subscription's stored cursor.
        using (var restarted = StartHost(database))
        {
            bool AllArrived() => expected.IsSubsetOf(_receiver.At("/ok/kill").Select(d => d.Id));
            Assert.True(await _receiver.WaitUntilAsync(AllArrived, Bound),
                $"{expected.Except(_receiver.At("/ok/kill").Select(d => d.Id)).Count()} of {expected.Count} acknowledged writes' events never arrived\n{restarted.Error}");
        }

        var received = _receiver.At("/ok/kill");
        foreach (var delivery in received)
        {
            // Signed with the subscription's secret, checked by the StandardWebhooks library; the webhook-id is the event's id,
            // so a duplicate (sent before the kill, sent again after the restart) carries the same webhook-id.
            new StandardWebhook(secret).Verify(delivery.Body, delivery.Headers);
            Assert.Equal(JsonDocument.Parse(delivery.Body).RootElement.GetProperty("id").GetString(), delivery.Id);
        }
        foreach (var copies in received.GroupBy(d => d.Id).Where(g => g.Count() > 1))
            Assert.Single(copies.Select(d => d.Body).Distinct());
    }
}
