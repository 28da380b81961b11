using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

public sealed class TicketLifecycleConcurrencyOnEmbeddedStore() : TicketLifecycleConcurrencyTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class TicketLifecycleConcurrencyOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : TicketLifecycleConcurrencyTests(new CosmosHosts(emulator));

/// <summary>Exactly one winner per etag, over HTTP, on each store.</summary>
public abstract class TicketLifecycleConcurrencyTests(IApiHosts hosts)
{
    [Fact]
    public async Task Twenty_parallel_updates_with_one_etag_get_one_200_and_nineteen_412_and_lose_nothing()
    {
        await using var api = await hosts.StartAsync();
        var created = await api.CreateTicketAsync();
        var objectId = created.GetProperty("object_id").GetString()!;
        var etag = created.GetProperty("etag").GetString()!;
        var token = api.Token();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            api.PatchAsync(objectId, Patch(etag, $$"""
                "summary":"writer {{i}}","ticketBody":{"{{Bodies.DescriptionField}}":"<p>writer {{i}}</p>"}
                """), token))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            Assert.Equal("ETAG_MISMATCH", (await loser.JsonAsync()).GetProperty("code").GetString());

        // No lost update: the stored ticket is exactly the winner's answer, and its history has exactly its one write.
        var winner = (await responses.Single(r => r.StatusCode == HttpStatusCode.OK).JsonAsync()).GetProperty("ticket");
        var stored = (await (await api.GetTicketAsync(objectId)).JsonAsync()).GetProperty("ticket");
        Assert.Equal(winner.GetRawText(), stored.GetRawText());
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
        var summary = stored.GetProperty("summary").GetString()!;
        Assert.Equal($"<p>{summary}</p>", stored.GetProperty("data").GetProperty(Bodies.DescriptionField).GetString());

        var history = (await (await api.GetHistoryAsync(objectId)).JsonAsync()).GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal([1, 2], history.Select(e => e.GetProperty("version").GetInt32()));
        Assert.Equal(JsonSerializer.Serialize(summary), history[1].GetProperty("changes").GetProperty("summary").GetProperty("new").GetRawText());

        // The winner's etag is the one that works next; the shared old one never works again.
        var next = await api.PatchAsync(objectId, Patch(stored.GetProperty("etag").GetString(), "\"summary\":\"after the race\""), token);
        var again = await api.PatchAsync(objectId, Patch(etag, "\"summary\":\"replay\""), token);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, again.StatusCode);
    }

    [Fact]
    public async Task When_all_twenty_read_the_same_revision_the_stores_compare_and_swap_picks_exactly_one()
    {
        // The store this host would use, wrapped. A wrapped store is not the embedded one, so the sample catalog is named.
        ReadBarrierStore? store = null;
        await using var api = await hosts.StartAsync(
            settings => settings["Catalog:SeedFile"] = CatalogFileReader.SampleCatalogPath,
            services =>
            {
                var original = services.Last(d => d.ServiceType == typeof(ITicketStore));
                services.AddSingleton<ITicketStore>(provider => store = new ReadBarrierStore((ITicketStore)(
                    original.ImplementationInstance
                    ?? original.ImplementationFactory?.Invoke(provider)
                    ?? ActivatorUtilities.CreateInstance(provider, original.ImplementationType!))));
            });
        Assert.NotNull(api.Services.GetRequiredService<ITicketStore>());
        var created = await api.CreateTicketAsync();
        var objectId = created.GetProperty("object_id").GetString()!;
        var etag = created.GetProperty("etag").GetString()!;
        var token = api.Token();

        // Every update's read waits until all twenty have read: all pass the etag check, and only the store decides.
        store!.HoldReadsUntil(20);
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            api.PatchAsync(objectId, Patch(etag, $"\"summary\":\"writer {i}\""), token))));

        Assert.Equal(20, store.ReplaceAttempts);
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        var winner = (await responses.Single(r => r.StatusCode == HttpStatusCode.OK).JsonAsync()).GetProperty("ticket");
        var stored = (await (await api.GetTicketAsync(objectId)).JsonAsync()).GetProperty("ticket");
        Assert.Equal(winner.GetRawText(), stored.GetRawText());
        Assert.Equal(2, (await (await api.GetHistoryAsync(objectId)).JsonAsync()).GetProperty("history").GetArrayLength());
    }

    /// <summary>Holds ticket reads at a barrier once armed, so that concurrent updates all read the same revision.</summary>
    private sealed class ReadBarrierStore(ITicketStore inner) : ITicketStore
    {
        private readonly TaskCompletionSource _allRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _expected;
        private int _reads;
        private int _replaceAttempts;

        public int ReplaceAttempts => Volatile.Read(ref _replaceAttempts);

        public Task CheckReadyAsync(CancellationToken cancellationToken) => inner.CheckReadyAsync(cancellationToken);

        public void HoldReadsUntil(int readers) => Volatile.Write(ref _expected, readers);

        public async Task<Ticket?> GetTicketAsync(string tenantId, string objectId, CancellationToken cancellationToken)
        {
            var ticket = await inner.GetTicketAsync(tenantId, objectId, cancellationToken);
            var expected = Volatile.Read(ref _expected);
            if (expected == 0) return ticket;
            if (Interlocked.Increment(ref _reads) == expected) _allRead.TrySetResult();
            // A guard against a hang if the test is wrong, not a synchronization delay: the barrier opens on the 20th read.
            await _allRead.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return ticket;
        }

        public Task ReplaceTicketAsync(Ticket ticket, string expectedEtag, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _replaceAttempts);
            return inner.ReplaceTicketAsync(ticket, expectedEtag, cancellationToken);
        }

        public Task<TenantCatalog?> GetCatalogAsync(string tenantId, CancellationToken cancellationToken) => inner.GetCatalogAsync(tenantId, cancellationToken);
        public Task UpsertCatalogAsync(TenantCatalog catalog, CancellationToken cancellationToken) => inner.UpsertCatalogAsync(catalog, cancellationToken);
        public Task<DisplayNumber> NextDisplayNumberAsync(string tenantId, string prefix, CancellationToken cancellationToken) => inner.NextDisplayNumberAsync(tenantId, prefix, cancellationToken);
        public Task<long> NextDeletionSeqAsync(string tenantId, CancellationToken cancellationToken) => inner.NextDeletionSeqAsync(tenantId, cancellationToken);
        public Task CreateTicketAsync(Ticket ticket, CancellationToken cancellationToken) => inner.CreateTicketAsync(ticket, cancellationToken);
        public Task CreateTicketWithKeyAsync(Ticket ticket, IdempotencyRecord completedKey, CancellationToken cancellationToken) =>
            inner.CreateTicketWithKeyAsync(ticket, completedKey, cancellationToken);
        public Task MoveTicketAsync(Ticket tombstone, string expectedEtag, Ticket successor, IdempotencyRecord? completedKey, CancellationToken cancellationToken) =>
            inner.MoveTicketAsync(tombstone, expectedEtag, successor, completedKey, cancellationToken);
        public Task AppendHistoryArchiveAsync(string tenantId, string ticketId, IReadOnlyList<TicketHistoryEntry> entries, CancellationToken cancellationToken) =>
            inner.AppendHistoryArchiveAsync(tenantId, ticketId, entries, cancellationToken);
        public Task<IReadOnlyList<TicketHistoryEntry>> GetHistoryArchiveAsync(string tenantId, string ticketId, int afterVersion, int throughVersion, CancellationToken cancellationToken) =>
            inner.GetHistoryArchiveAsync(tenantId, ticketId, afterVersion, throughVersion, cancellationToken);
        public Task<TicketingFunctions.Tickets.Listing.TicketPage> ListTicketsAsync(TicketingFunctions.Tickets.Listing.TicketListQuery query, CancellationToken cancellationToken) =>
            inner.ListTicketsAsync(query, cancellationToken);
        public Task<IdempotencyRecord?> ClaimIdempotencyKeyAsync(IdempotencyRecord claim, Func<IdempotencyRecord, bool> canTakeOver, CancellationToken cancellationToken) =>
            inner.ClaimIdempotencyKeyAsync(claim, canTakeOver, cancellationToken);
        public Task SaveIdempotencyRecordAsync(IdempotencyRecord record, CancellationToken cancellationToken) => inner.SaveIdempotencyRecordAsync(record, cancellationToken);
        public Task ReleaseIdempotencyKeyAsync(string tenantId, string id, CancellationToken cancellationToken) => inner.ReleaseIdempotencyKeyAsync(tenantId, id, cancellationToken);
    }
}
