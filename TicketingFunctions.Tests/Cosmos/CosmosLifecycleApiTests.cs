using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Http;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Cosmos;

/// <summary>
/// What reads, updates and history cost on the Cosmos DB store, counted in the client's HTTP pipeline: an update is
/// one read plus one conditional replace, and the history rides on that replace.
/// </summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosLifecycleApiTests(CosmosEmulatorFixture emulator)
{
    private readonly RecordingHandler _wire = new();

    private Task<TestApi> StartAsync(int maxEmbeddedEntries = 50) => TestApi.StartAsync(
        settings =>
        {
            foreach (var (key, value) in emulator.Settings(CosmosEmulatorFixture.NewDatabaseName())) settings[key] = value;
            settings["Catalog:SeedFile"] = CatalogFileReader.SampleCatalogPath;
            // The events' timer pass and webhook delivery's passes would add their own queries to the requests these tests count.
            settings["Events:MaintenanceIntervalSeconds"] = "0";
            settings["Webhooks:PollIntervalMilliseconds"] = "0";
            settings["TicketHistory:MaxEmbeddedEntries"] = maxEmbeddedEntries.ToString(System.Globalization.CultureInfo.InvariantCulture);
        },
        services => services.AddSingleton(_wire.Interceptor));

    /// <summary>Creates a ticket and reads it once, so the client's caches are warm; answers its objectId and etag.</summary>
    private static async Task<(string ObjectId, string Etag)> WarmTicketAsync(TestApi api)
    {
        var ticket = await api.CreateTicketAsync();
        var objectId = ticket.GetProperty("object_id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await api.GetTicketAsync(objectId)).StatusCode);
        return (objectId, ticket.GetProperty("etag").GetString()!);
    }

    /// <summary>Waits for the event publisher's hand-over of the writes so far, whose mark moves the document's _etag.</summary>
    private static Task PublishedAsync(TestApi api) => ((CosmosTicketStore)api.Services.GetRequiredService<ITicketStore>()).DrainPublisherAsync();

    private static void AssertTicketQuery(SentRequest request)
    {
        Assert.Equal(("POST", HttpStatusCode.OK), (request.Method, request.Status));
        Assert.EndsWith("/colls/tickets/docs", request.Path);
    }

    [Fact]
    public async Task An_update_costs_one_read_and_one_conditional_replace_and_carries_its_history_entry()
    {
        await using var api = await StartAsync();
        Assert.IsType<CosmosTicketStore>(api.Services.GetRequiredService<ITicketStore>());
        var (objectId, etag) = await WarmTicketAsync(api);

        for (var i = 1; i <= 3; i++)
        {
            await PublishedAsync(api);
            _wire.Clear();
            var response = await api.PatchAsync(objectId, Patch(etag, $"\"summary\":\"revision {i}\""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            etag = (await response.JsonAsync()).GetProperty("ticket").GetProperty("etag").GetString()!;

            Assert.Collection(_wire.Requests,
                AssertTicketQuery,
                r => Assert.Equal(("PUT", HttpStatusCode.OK), (r.Method, r.Status)));
            Assert.Contains("/colls/tickets/docs/", _wire.Requests[1].Path);
        }

        // The history of those writes came with them: one read answers all four entries.
        await PublishedAsync(api);
        _wire.Clear();
        var history = (await (await api.GetHistoryAsync(objectId)).JsonAsync()).GetProperty("history");
        Assert.Equal([1, 2, 3, 4], history.EnumerateArray().Select(e => e.GetProperty("version").GetInt32()));
        Assert.Collection(_wire.Requests, AssertTicketQuery);
    }

    [Fact]
    public async Task A_stale_etag_costs_the_read_only_and_a_read_is_one_request()
    {
        await using var api = await StartAsync();
        var (objectId, etag) = await WarmTicketAsync(api);
        Assert.Equal(HttpStatusCode.OK, (await api.PatchAsync(objectId, Patch(etag, "\"summary\":\"first\""))).StatusCode);

        await PublishedAsync(api);
        _wire.Clear();
        var stale = await api.PatchAsync(objectId, Patch(etag, "\"summary\":\"stale\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Collection(_wire.Requests, AssertTicketQuery);

        await PublishedAsync(api);
        _wire.Clear();
        Assert.Equal(HttpStatusCode.OK, (await api.GetTicketAsync(objectId)).StatusCode);
        Assert.Collection(_wire.Requests, AssertTicketQuery);
    }

    [Fact]
    public async Task Past_the_cap_one_write_also_archives_with_one_upsert_and_the_history_read_adds_one_query()
    {
        await using var api = await StartAsync(maxEmbeddedEntries: 4);
        var (objectId, etag) = await WarmTicketAsync(api);
        var costs = new List<int>();

        for (var i = 1; i <= 6; i++)
        {
            await PublishedAsync(api);
            _wire.Clear();
            var response = await api.PatchAsync(objectId, Patch(etag, $"\"summary\":\"revision {i}\""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            etag = (await response.JsonAsync()).GetProperty("ticket").GetProperty("etag").GetString()!;
            costs.Add(_wire.Requests.Count);
            if (i == 4)
            {
                // The fifth entry passes the cap of four: the oldest three go to the archive first, then the ticket.
                Assert.Collection(_wire.Requests,
                    AssertTicketQuery,
                    r => Assert.Equal(("POST", "/colls/tenants/docs"), (r.Method, r.Path[r.Path.IndexOf("/colls/", StringComparison.Ordinal)..])),
                    r => Assert.Equal(("PUT", HttpStatusCode.OK), (r.Method, r.Status)));
                Assert.True(_wire.Requests[1].Status is HttpStatusCode.Created or HttpStatusCode.OK);
            }
        }
        Assert.Equal([2, 2, 2, 3, 2, 2], costs);

        await PublishedAsync(api);
        _wire.Clear();
        var history = (await (await api.GetHistoryAsync(objectId)).JsonAsync()).GetProperty("history");
        Assert.Equal(Enumerable.Range(1, 7), history.EnumerateArray().Select(e => e.GetProperty("version").GetInt32()));
        Assert.Collection(_wire.Requests,
            AssertTicketQuery,
            r => Assert.Equal(("POST", HttpStatusCode.OK), (r.Method, r.Status)));
        Assert.EndsWith("/colls/tenants/docs", _wire.Requests[1].Path);
    }

    [Fact]
    public async Task Containers_the_app_creates_never_index_the_stored_history()
    {
        await using var api = await StartAsync();
        var containers = await api.Services.GetRequiredService<CosmosClientProvider>().GetContainersAsync(default);

        var tickets = (await containers.Tickets.ReadContainerAsync()).Resource.IndexingPolicy;
        var tenants = (await containers.Tenants.ReadContainerAsync()).Resource.IndexingPolicy;

        Assert.Contains(tickets.ExcludedPaths, p => p.Path == CosmosClientProvider.TicketHistoryIndexExclusion);
        Assert.Contains(tenants.ExcludedPaths, p => p.Path == CosmosClientProvider.ArchiveEntriesIndexExclusion);
        Assert.Contains(tickets.IncludedPaths, p => p.Path == "/*");
    }
}
