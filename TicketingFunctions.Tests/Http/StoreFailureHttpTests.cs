using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Moq;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Http;

/// <summary>Store failures on create: 503 with Retry-After, or a 500 with no internals; never a half-written ticket.</summary>
public sealed class StoreFailureHttpTests
{
    private static async Task<(TestApi Api, EmbeddedTicketStore Real)> StartWithFailingTicketWrites(Exception failure)
    {
        var real = TestDataFolders.NewStore();
        var store = new Mock<ITicketStore>();
        store.Setup(s => s.GetCatalogAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns((string t, CancellationToken c) => real.GetCatalogAsync(t, c));
        store.Setup(s => s.UpsertCatalogAsync(It.IsAny<TicketingFunctions.Catalog.TenantCatalog>(), It.IsAny<CancellationToken>()))
            .Returns((TicketingFunctions.Catalog.TenantCatalog t, CancellationToken c) => real.UpsertCatalogAsync(t, c));
        store.Setup(s => s.NextDisplayNumberAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string t, string p, CancellationToken c) => real.NextDisplayNumberAsync(t, p, c));
        store.Setup(s => s.CreateTicketAsync(It.IsAny<Ticket>(), It.IsAny<CancellationToken>())).ThrowsAsync(failure);
        var api = await TestApi.StartAsync(
            s => s["Catalog:SeedFile"] = TicketingFunctions.Catalog.CatalogFileReader.SampleCatalogPath,
            services => services.Replace(ServiceDescriptor.Singleton(store.Object)));
        return (api, real);
    }

    [Fact]
    public async Task Throttling_answers_503_with_retry_after()
    {
        var (api, real) = await StartWithFailingTicketWrites(new StoreUnavailableException("429", TimeSpan.FromSeconds(3)));
        await using var _ = api;

        var response = await api.CreateAsync(Bodies.ContractExample);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        var json = await response.JsonAsync();
        Assert.Equal("SERVICE_UNAVAILABLE", json.GetProperty("code").GetString());
        Assert.Equal(503, json.GetProperty("status").GetInt32());
        Assert.Null(await real.GetTicketAsync(TestApi.Tenant, "CTC-0001", default));
    }

    [Fact]
    public async Task Unexpected_failures_answer_500_json_without_internals()
    {
        var (api, real) = await StartWithFailingTicketWrites(new InvalidOperationException("secret connection string AccountKey=abc"));
        await using var _ = api;

        var response = await api.CreateAsync(Bodies.ContractExample);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("""{"error":true,"code":"INTERNAL_ERROR","message":"An unexpected error occurred","status":500}""", text);
        Assert.Null(await real.GetTicketAsync(TestApi.Tenant, "CTC-0001", default));
    }
}
