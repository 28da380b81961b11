using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Cosmos;

/// <summary>
/// Cosmos DB failures injected in the SDK's HTTP pipeline, seen through the API: 503 with Retry-After, nothing
/// half-written, no display number issued twice, and no request waiting past the budget.
/// </summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosApiFaultTests(CosmosEmulatorFixture emulator)
{
    // A guard so that a regression fails instead of hanging the run; not a performance assertion.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly RecordingHandler _wire = new();

    private Task<TestApi> StartAsync() => TestApi.StartAsync(
        settings =>
        {
            foreach (var (key, value) in emulator.Settings(CosmosEmulatorFixture.NewDatabaseName())) settings[key] = value;
            settings["Catalog:SeedFile"] = CatalogFileReader.SampleCatalogPath;
            settings["CosmosDb:RequestBudgetSeconds"] = "2";
        },
        services => services.AddSingleton(_wire.Interceptor));

    private static bool IsCounterPatch(HttpRequestMessage r) => r.Method == HttpMethod.Patch && r.RequestUri!.AbsolutePath.EndsWith("/docs/counter", StringComparison.Ordinal);

    private static bool IsTicketCreate(HttpRequestMessage r) => r.Method == HttpMethod.Post
        && r.RequestUri!.AbsolutePath.EndsWith("/colls/tickets/docs", StringComparison.Ordinal) && !r.Headers.Contains("x-ms-documentdb-isquery");

    private static async Task AssertUnavailable(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        var json = await response.JsonAsync();
        Assert.Equal("SERVICE_UNAVAILABLE", json.GetProperty("code").GetString());
        Assert.Equal(503, json.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Throttling_or_unavailability_on_the_counter_is_503_and_uses_no_number(int status)
    {
        await using var api = await StartAsync();
        await api.CreateAsync(Bodies.ContractExample);
        _wire.Fault = r => IsCounterPatch(r) ? RecordingHandler.ServiceError((HttpStatusCode)status, "Injected", retryAfterMs: 5) : null;

        await AssertUnavailable(await api.CreateAsync(Bodies.ContractExample).WaitAsync(Guard));

        _wire.Fault = null;
        Assert.Equal("CTC-0002", (await (await api.CreateAsync(Bodies.ContractExample)).JsonAsync()).GetProperty("objectId").GetString());
    }

    [Fact]
    public async Task A_failure_between_the_counter_patch_and_the_ticket_write_leaves_a_gap_never_a_duplicate_or_half_a_ticket()
    {
        await using var api = await StartAsync();
        await api.CreateAsync(Bodies.ContractExample);
        _wire.Fault = r => IsTicketCreate(r) ? RecordingHandler.ServiceError(HttpStatusCode.ServiceUnavailable, "Injected") : null;

        await AssertUnavailable(await api.CreateAsync(Bodies.ContractExample).WaitAsync(Guard));

        _wire.Fault = null;
        var next = await (await api.CreateAsync(Bodies.ContractExample)).JsonAsync();
        Assert.Equal("CTC-0003", next.GetProperty("objectId").GetString());
        var store = api.Services.GetRequiredService<ITicketStore>();
        Assert.Null(await store.GetTicketAsync(TestApi.Tenant, "CTC-0002", default));
        Assert.NotNull(await store.GetTicketAsync(TestApi.Tenant, "CTC-0001", default));
    }

    [Fact]
    public async Task A_hung_ticket_write_answers_503_within_the_budget_and_leaves_no_ticket()
    {
        await using var api = await StartAsync();
        await api.CreateAsync(Bodies.ContractExample);
        _wire.Hang = IsTicketCreate;

        await AssertUnavailable(await api.CreateAsync(Bodies.ContractExample).WaitAsync(Guard));

        _wire.Hang = null;
        Assert.Null(await api.Services.GetRequiredService<ITicketStore>().GetTicketAsync(TestApi.Tenant, "CTC-0002", default));
        Assert.Equal("CTC-0003", (await (await api.CreateAsync(Bodies.ContractExample)).JsonAsync()).GetProperty("objectId").GetString());
    }

    [Fact]
    public async Task A_hung_counter_patch_answers_503_within_the_budget()
    {
        await using var api = await StartAsync();
        await api.CreateAsync(Bodies.ContractExample);
        _wire.Hang = IsCounterPatch;

        await AssertUnavailable(await api.CreateAsync(Bodies.ContractExample).WaitAsync(Guard));
    }
}
