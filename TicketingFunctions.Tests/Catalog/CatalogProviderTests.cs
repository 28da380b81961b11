using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TicketingFunctions.Catalog;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Tests.Catalog;

public sealed class CatalogProviderTests
{
    private static readonly TenantCatalog Catalog = new("t1", "T", "demo", [new Team("james", null)], [], []);

    private static (CatalogProvider Provider, Mock<ITicketStore> Store, FakeTimeProvider Time) Create(int seconds = 60)
    {
        var store = new Mock<ITicketStore>();
        store.Setup(s => s.GetCatalogAsync("t1", It.IsAny<CancellationToken>())).ReturnsAsync(Catalog);
        var time = new FakeTimeProvider();
        return (new CatalogProvider(store.Object, Options.Create(new CatalogOptions { CacheSeconds = seconds }), time), store, time);
    }

    [Fact]
    public async Task Reads_the_store_once_while_the_entry_is_fresh()
    {
        var (provider, store, _) = Create();
        for (var i = 0; i < 5; i++) Assert.True((await provider.GetAsync("t1", default))!.HasTeam("james"));
        store.Verify(s => s.GetCatalogAsync("t1", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Reads_again_once_the_lifetime_has_passed()
    {
        var (provider, store, time) = Create(seconds: 60);
        await provider.GetAsync("t1", default);
        time.Advance(TimeSpan.FromSeconds(59));
        await provider.GetAsync("t1", default);
        time.Advance(TimeSpan.FromSeconds(2));
        await provider.GetAsync("t1", default);
        store.Verify(s => s.GetCatalogAsync("t1", It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task Concurrent_misses_share_one_read()
    {
        var (provider, store, _) = Create();
        var gate = new TaskCompletionSource<TenantCatalog?>();
        store.Setup(s => s.GetCatalogAsync("t1", It.IsAny<CancellationToken>())).Returns(gate.Task);

        var waiting = Enumerable.Range(0, 10).Select(_ => provider.GetAsync("t1", default)).ToArray();
        gate.SetResult(Catalog);
        await Task.WhenAll(waiting);

        store.Verify(s => s.GetCatalogAsync("t1", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_failed_read_is_not_cached()
    {
        var (provider, store, _) = Create();
        store.SetupSequence(s => s.GetCatalogAsync("t1", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new StoreUnavailableException("busy", TimeSpan.FromSeconds(1)))
            .ReturnsAsync(Catalog);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => provider.GetAsync("t1", default));
        Assert.NotNull(await provider.GetAsync("t1", default));
    }

    [Fact]
    public async Task Unknown_tenants_read_as_null_and_invalidate_forces_a_read()
    {
        var (provider, store, _) = Create();
        Assert.Null(await provider.GetAsync("nobody", default));
        await provider.GetAsync("t1", default);
        provider.Invalidate("t1");
        await provider.GetAsync("t1", default);
        store.Verify(s => s.GetCatalogAsync("t1", It.IsAny<CancellationToken>()), Times.Exactly(2));
    }
}
