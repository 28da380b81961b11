using System.Net;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Storage;

/// <summary>How the Cosmos store reports the service's failures, injected in the client's HTTP pipeline.</summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosTicketStoreFaultTests(CosmosEmulatorFixture emulator)
{
    private readonly RecordingHandler _wire = new();

    private CosmosTicketStore NewStore() => emulator.NewStore(CosmosEmulatorFixture.NewDatabaseName(), _wire.Interceptor);

    private static string NewTenant() => Guid.NewGuid().ToString();

    private static bool IsCounterPatch(HttpRequestMessage r) => r.Method == HttpMethod.Patch && r.RequestUri!.AbsolutePath.EndsWith("/docs/counter", StringComparison.Ordinal);

    private static bool IsTicketCreate(HttpRequestMessage r) => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith("/colls/tickets/docs", StringComparison.Ordinal)
        && !r.Headers.Contains("x-ms-documentdb-isquery");

    [Fact]
    public async Task Throttling_that_outlasts_the_sdk_retries_is_unavailability_with_a_retry_after()
    {
        var store = NewStore();
        var tenant = NewTenant();
        await store.NextDisplayNumberAsync(tenant, "CTC", default);
        await store.DrainPublisherAsync();   // the event publisher's requests of the writes so far are done
        _wire.Clear();
        _wire.Fault = r => IsCounterPatch(r) ? RecordingHandler.ServiceError(HttpStatusCode.TooManyRequests, "TooManyRequests", retryAfterMs: 5) : null;

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.NextDisplayNumberAsync(tenant, "CTC", default));

        Assert.True(error.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.True(_wire.Requests.Count > 1, "the SDK retries throttled requests itself before giving up");
        Assert.All(_wire.Requests, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.Status));
        _wire.Fault = null;
        Assert.Equal(2, (await store.NextDisplayNumberAsync(tenant, "CTC", default)).Number);
    }

    [Fact]
    public async Task A_failed_ticket_write_leaves_a_gap_in_the_numbers_never_a_duplicate()
    {
        var store = NewStore();
        var tenant = NewTenant();
        var first = await store.NextDisplayNumberAsync(tenant, "CTC", default);
        _wire.Fault = r => IsTicketCreate(r) ? RecordingHandler.ServiceError(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable") : null;

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, $"CTC-{first.Number:D4}", first.Serial), default));
        Assert.True(error.RetryAfter >= TimeSpan.FromSeconds(1));

        _wire.Fault = null;
        var second = await store.NextDisplayNumberAsync(tenant, "CTC", default);
        await store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, $"CTC-{second.Number:D4}", second.Serial), default);

        Assert.Equal(new DisplayNumber(first.Serial + 1, first.Number + 1), second);
        Assert.Null(await store.GetTicketAsync(tenant, $"CTC-{first.Number:D4}", default));
        Assert.NotNull(await store.GetTicketAsync(tenant, $"CTC-{second.Number:D4}", default));
    }

    [Fact]
    public async Task An_unreachable_service_is_unavailability()
    {
        var store = NewStore();
        var tenant = NewTenant();
        await store.NextDisplayNumberAsync(tenant, "CTC", default);
        _wire.Fault = r => IsCounterPatch(r) ? throw new HttpRequestException("Connection refused (injected by the test)") : null;

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.NextDisplayNumberAsync(tenant, "CTC", default));
    }

    [Fact]
    public async Task Other_service_errors_keep_their_exception()
    {
        var store = NewStore();
        var tenant = NewTenant();
        await store.NextDisplayNumberAsync(tenant, "CTC", default);
        _wire.Fault = r => IsCounterPatch(r) ? RecordingHandler.ServiceError(HttpStatusCode.Forbidden, "Forbidden") : null;

        var error = await Assert.ThrowsAsync<Microsoft.Azure.Cosmos.CosmosException>(() => store.NextDisplayNumberAsync(tenant, "CTC", default));
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }
}
