using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Api;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Cosmos;

/// <summary>
/// The API end to end on the Cosmos DB store (the standalone host on a TestServer, the store on the
/// emulator), with the Cosmos client's HTTP requests counted.
/// </summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosApiTests(CosmosEmulatorFixture emulator)
{
    private readonly RecordingHandler _wire = new();

    private Task<TestApi> StartAsync() => TestApi.StartAsync(
        settings =>
        {
            foreach (var (key, value) in emulator.Settings(CosmosEmulatorFixture.NewDatabaseName())) settings[key] = value;
            settings["Catalog:SeedFile"] = CatalogFileReader.SampleCatalogPath;
            // The events' timer pass and webhook delivery's passes would add their own queries to the requests these tests count.
            settings["Events:MaintenanceIntervalSeconds"] = "0";
            settings["Webhooks:PollIntervalMilliseconds"] = "0";
        },
        services => services.AddSingleton(_wire.Interceptor));

    [Fact]
    public async Task After_warm_up_each_create_costs_two_cosmos_requests_and_no_catalog_read()
    {
        await using var api = await StartAsync();
        Assert.IsType<CosmosTicketStore>(api.Services.GetRequiredService<ITicketStore>());

        var warmUp = await api.CreateAsync(Bodies.ContractExample);
        Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        Assert.Equal("CTC-0001", (await warmUp.JsonAsync()).GetProperty("objectId").GetString());

        for (var i = 2; i <= 4; i++)
        {
            await ((CosmosTicketStore)api.Services.GetRequiredService<ITicketStore>()).DrainPublisherAsync();   // the event publisher's requests of the writes so far are done
            _wire.Clear();
            var response = await api.CreateAsync(Bodies.ContractExample);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"CTC-{i:D4}", (await response.JsonAsync()).GetProperty("objectId").GetString());
            Assert.Collection(_wire.Requests,
                r => Assert.Equal(("PATCH", HttpStatusCode.OK), (r.Method, r.Status)),
                r => Assert.Equal(("POST", HttpStatusCode.Created), (r.Method, r.Status)));
            Assert.DoesNotContain(_wire.Requests, r => r.Path.EndsWith("/docs/catalog", StringComparison.Ordinal));
        }

        await ((CosmosTicketStore)api.Services.GetRequiredService<ITicketStore>()).DrainPublisherAsync();   // the event publisher's requests of the writes so far are done
        _wire.Clear();
        var types = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", api.Token()));
        Assert.Equal(HttpStatusCode.OK, types.StatusCode);
        Assert.Empty(_wire.Requests); // the catalog is cached
    }

    [Fact]
    public async Task The_created_ticket_is_stored_exactly_as_the_api_returned_it()
    {
        await using var api = await StartAsync();

        var response = await api.CreateAsync(Bodies.ContractExample);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var returned = JsonNode.Parse((await response.JsonAsync()).GetProperty("ticket").GetRawText())!;

        var stored = await api.Services.GetRequiredService<ITicketStore>().GetTicketAsync(TestApi.Tenant, "CTC-0001", default);
        Assert.NotNull(stored);
        var storedJson = JsonSerializer.SerializeToNode(stored, ApiJsonContext.Default.Ticket);
        Assert.True(JsonNode.DeepEquals(returned, storedJson), $"returned {returned.ToJsonString()}\nstored   {storedJson!.ToJsonString()}");
        Assert.Equal($"\"{stored.Etag}\"", response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Concurrent_creates_get_distinct_consecutive_numbers_and_tenants_stay_apart()
    {
        await using var api = await StartAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => api.CreateAsync(Bodies.ContractExample)));
        var ids = new List<string>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ids.Add((await response.JsonAsync()).GetProperty("objectId").GetString()!);
        }
        Assert.Equal(Enumerable.Range(1, 30).Select(i => $"CTC-{i:D4}"), ids.Order(StringComparer.Ordinal));

        var store = api.Services.GetRequiredService<ITicketStore>();
        Assert.Null(await store.GetTicketAsync(TestApi.OtherTenant, "CTC-0001", default));
    }

    [Fact]
    public async Task Throttling_that_outlasts_the_sdk_retries_answers_503_with_retry_after()
    {
        await using var api = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.CreateAsync(Bodies.ContractExample)).StatusCode);
        await ((CosmosTicketStore)api.Services.GetRequiredService<ITicketStore>()).DrainPublisherAsync();   // the event publisher's requests of the writes so far are done
        _wire.Clear();
        _wire.Fault = r => r.Method == HttpMethod.Patch
            ? RecordingHandler.ServiceError(HttpStatusCode.TooManyRequests, "TooManyRequests", retryAfterMs: 5)
            : null;

        var response = await api.CreateAsync(Bodies.ContractExample);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        Assert.DoesNotContain(_wire.Requests, r => r is { Method: "POST", Status: HttpStatusCode.Created });
    }

    [Fact]
    public async Task An_idempotent_create_costs_four_requests_and_its_replay_two()
    {
        await using var api = await StartAsync();
        await api.CreateAsync(Bodies.ContractExample); // warm-up: counter and catalog

        HttpRequestMessage Create()
        {
            var request = api.Request(HttpMethod.Post, TestApi.CreatePath, api.Token(), Bodies.ContractExample);
            request.Headers.Add("Idempotency-Key", "cosmos-key");
            return request;
        }

        await ((CosmosTicketStore)api.Services.GetRequiredService<ITicketStore>()).DrainPublisherAsync();   // the event publisher's requests of the writes so far are done
        _wire.Clear();
        Assert.Equal(HttpStatusCode.OK, (await api.Client.SendAsync(Create())).StatusCode);
        Assert.Collection(_wire.Requests,
            r => Assert.Equal(("POST", HttpStatusCode.Created), (r.Method, r.Status)),   // claim the key
            r => Assert.Equal(("PATCH", HttpStatusCode.OK), (r.Method, r.Status)),      // the number
            r => Assert.Equal(("POST", HttpStatusCode.Created), (r.Method, r.Status)),   // the ticket
            r => Assert.Equal(("POST", HttpStatusCode.OK), (r.Method, r.Status)));      // the completed record (an upsert)

        await ((CosmosTicketStore)api.Services.GetRequiredService<ITicketStore>()).DrainPublisherAsync();   // the event publisher's requests of the writes so far are done
        _wire.Clear();
        var replay = await api.Client.SendAsync(Create());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Collection(_wire.Requests,
            r => Assert.Equal(("POST", HttpStatusCode.Conflict), (r.Method, r.Status)), // the key is held
            r => Assert.Equal(("GET", HttpStatusCode.OK), (r.Method, r.Status)));       // read the first response
    }
}
