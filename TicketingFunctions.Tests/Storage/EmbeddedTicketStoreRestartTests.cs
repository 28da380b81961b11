using TicketingFunctions.Settings;
using System.Text.Json;
using TicketingFunctions.Api;
using TicketingFunctions.Hosting;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.Storage;

/// <summary>
/// The embedded store keeps everything it acknowledged across a restart: each test writes, disposes the store (the
/// process ending), opens a new one on the same folder and reads every kind of data back.
/// </summary>
public sealed class EmbeddedTicketStoreRestartTests : IDisposable
{
    private readonly string _folder = TestDataFolders.New();

    public void Dispose() => TestDataFolders.Delete(_folder);

    private EmbeddedTicketStore Open() => new(_folder);

    private static string Json(Ticket? ticket) => JsonSerializer.Serialize(ticket!, ApiJsonContext.Default.Ticket);

    private async Task<T> AfterRestart<T>(Func<EmbeddedTicketStore, Task> write, Func<EmbeddedTicketStore, Task<T>> read)
    {
        using (var store = Open()) await write(store);
        using var reopened = Open();
        return await read(reopened);
    }

    [Fact]
    public async Task Tickets_created_and_replaced_read_back_as_they_were_written_and_list_in_the_same_order()
    {
        var tenant = Guid.NewGuid().ToString();
        var tickets = Enumerable.Range(1, 30).Select(i => TicketStoreContract.NewTicket(tenant, $"CTC-{i:D4}", i) with
        {
            CreatedAt = $"2025-07-10T12:{i:D2}:00.000Z",
            History = [TicketStoreContract.Entry(1, TicketHistory.Created, ("summary", null, "\"a\""))],
        }).ToList();
        var replaced = tickets[4] with { Summary = "Replaced", Etag = "etag-2", Version = 2 };
        var query = new TicketListQuery(tenant, [], TicketSort.CreatedAt, true, 25);
        string? before = null;

        var (read, page) = await AfterRestart(async store =>
        {
            foreach (var ticket in tickets) await store.CreateTicketAsync(ticket, default);
            await store.ReplaceTicketAsync(replaced, tickets[4].Etag, default);
            before = string.Join(",", (await store.ListTicketsAsync(query, default)).Tickets.Select(t => t.ObjectId));
        }, async store => (
            await Task.WhenAll(tickets.Select(t => store.GetTicketAsync(tenant, t.ObjectId, default))),
            await store.ListTicketsAsync(query, default)));

        Assert.Equal([.. tickets.Select((t, i) => Json(i == 4 ? replaced : t))], read.Select(Json));
        Assert.Equal("a", read[0]!.History.Single().Changes["summary"].New!.Value.GetString());
        Assert.Equal(before, string.Join(",", page.Tickets.Select(t => t.ObjectId)));
        Assert.NotNull(page.NextPosition);
        // The listing's fast path (stored JSON copied) still serves the reloaded documents.
        Assert.NotNull(page.StoredJson);
    }

    [Fact]
    public async Task A_replace_after_a_restart_still_compares_the_etag_written_before_it()
    {
        var tenant = Guid.NewGuid().ToString();
        var ticket = TicketStoreContract.NewTicket(tenant, "CTC-0001");
        using (var store = Open()) await store.CreateTicketAsync(ticket, default);

        using var reopened = Open();
        await Assert.ThrowsAsync<EtagMismatchException>(() => reopened.ReplaceTicketAsync(ticket with { Etag = "x" }, "stale", default));
        await Assert.ThrowsAsync<TicketConflictException>(() => reopened.CreateTicketAsync(ticket, default));
        await reopened.ReplaceTicketAsync(ticket with { Etag = "x" }, ticket.Etag, default);
    }

    [Fact]
    public async Task Counters_continue_after_a_restart_so_no_display_id_or_deletion_seq_is_given_twice()
    {
        var tenant = Guid.NewGuid().ToString();
        var (numbers, deletion) = await AfterRestart(async store =>
        {
            for (var i = 0; i < 3; i++) await store.NextDisplayNumberAsync(tenant, "CTC", default);
            await store.NextDisplayNumberAsync(tenant, "INC", default);
            await store.NextDeletionSeqAsync(tenant, default);
            await store.NextDeletionSeqAsync(tenant, default);
        }, async store => (
            new[] { await store.NextDisplayNumberAsync(tenant, "CTC", default), await store.NextDisplayNumberAsync(tenant, "INC", default) },
            await store.NextDeletionSeqAsync(tenant, default)));

        Assert.Equal([new DisplayNumber(5, 4), new DisplayNumber(6, 2)], numbers);
        Assert.Equal(3, deletion);
    }

    [Fact]
    public async Task A_deleted_ticket_keeps_its_deletion_and_stays_in_the_deletions_listing()
    {
        var tenant = Guid.NewGuid().ToString();
        var ticket = TicketStoreContract.NewTicket(tenant, "CTC-0001");
        var deleted = ticket with { DeletedSeq = 1, Etag = "etag-2", Version = 2 };
        var query = new TicketListQuery(tenant, [], TicketSort.DeletedSeq, false, 25);

        var (read, page) = await AfterRestart(async store =>
        {
            await store.CreateTicketAsync(ticket, default);
            await store.ReplaceTicketAsync(deleted, ticket.Etag, default);
        }, async store => (await store.GetTicketAsync(tenant, "CTC-0001", default), await store.ListTicketsAsync(query, default)));

        Assert.Equal(1, read!.DeletedSeq);
        Assert.Equal("CTC-0001", Assert.Single(page.Tickets).ObjectId);
    }

    [Fact]
    public async Task Archived_history_reads_back_after_a_restart()
    {
        var tenant = Guid.NewGuid().ToString();
        var ticketId = Guid.NewGuid().ToString();
        var entries = Enumerable.Range(1, 5).Select(v => TicketStoreContract.Entry(v, TicketHistory.Updated, ("summary", "[1]", $"{{\"v\":{v}}}"))).ToArray();

        var archive = await AfterRestart(
            store => store.AppendHistoryArchiveAsync(tenant, ticketId, entries, default),
            store => store.GetHistoryArchiveAsync(tenant, ticketId, 1, 4, default));

        Assert.Equal([2, 3, 4], archive.Select(e => e.Version));
        Assert.Equal(JsonSerializer.Serialize(entries[1..4], ApiJsonContext.Default.IReadOnlyListTicketHistoryEntry),
            JsonSerializer.Serialize(archive, ApiJsonContext.Default.IReadOnlyListTicketHistoryEntry));
    }

    [Fact]
    public async Task Idempotency_records_keep_their_state_and_a_released_key_stays_released()
    {
        var tenant = Guid.NewGuid().ToString();
        var ticket = TicketStoreContract.NewTicket(tenant, "CTC-0001");
        var completed = TicketStoreContract.Claim(tenant, "done") with { State = IdempotencyRecord.Completed, Ticket = ticket };

        var (done, pending, released) = await AfterRestart(async store =>
        {
            await store.ClaimIdempotencyKeyAsync(TicketStoreContract.Claim(tenant, "done"), _ => false, default);
            await store.SaveIdempotencyRecordAsync(completed, default);
            await store.ClaimIdempotencyKeyAsync(TicketStoreContract.Claim(tenant, "pending"), _ => false, default);
            await store.ClaimIdempotencyKeyAsync(TicketStoreContract.Claim(tenant, "released"), _ => false, default);
            await store.ReleaseIdempotencyKeyAsync(tenant, "released", default);
        }, async store => (
            await store.ClaimIdempotencyKeyAsync(TicketStoreContract.Claim(tenant, "done"), _ => false, default),
            await store.ClaimIdempotencyKeyAsync(TicketStoreContract.Claim(tenant, "pending"), _ => false, default),
            await store.ClaimIdempotencyKeyAsync(TicketStoreContract.Claim(tenant, "released"), _ => false, default)));

        Assert.Equal(IdempotencyRecord.Completed, done!.State);
        Assert.Equal(Json(ticket), Json(done.Ticket));
        Assert.Equal(IdempotencyRecord.Pending, pending!.State);
        Assert.Null(released);
    }

    [Fact]
    public async Task The_catalog_reads_back_after_a_restart()
    {
        var tenant = Guid.NewGuid().ToString();
        var catalog = await AfterRestart(
            store => store.UpsertCatalogAsync(TicketStoreContract.EmptyCatalog(tenant), default),
            store => store.GetCatalogAsync(tenant, default));

        Assert.Equal("james", Assert.Single(catalog!.Teams).Id);
    }

    [Fact]
    public void A_second_store_on_a_folder_in_use_is_refused_with_the_setting_to_change_and_opens_once_the_first_is_closed()
    {
        var first = Open();
        var error = Assert.Throws<SettingException>(Open);
        Assert.Contains("in use by another process", error.Message);
        Assert.Contains("Storage__DataPath", error.Message);
        Assert.True(EmbeddedTicketStore.IsInUse(_folder));

        first.Dispose();
        Assert.False(EmbeddedTicketStore.IsInUse(_folder));
        Open().Dispose();
    }

    [Fact]
    public async Task A_move_reads_back_after_a_restart_with_what_only_the_store_keeps()
    {
        var tenant = Guid.NewGuid().ToString();
        var current = TicketStoreContract.NewTicket(tenant, "CTC-0001") with { History = [TicketStoreContract.Entry(1, TicketHistory.Created, ("summary", null, "\"a\""))] };
        var (tombstone, successor) = TicketStoreContract.MoveOf(current, "HWI-0001", "idem-key");

        var (old, created, live) = await AfterRestart(async store =>
        {
            await store.CreateTicketAsync(current, default);
            await store.MoveTicketAsync(tombstone, current.Etag, successor, null, default);
        }, async store => (await store.GetTicketAsync(tenant, "CTC-0001", default), await store.GetTicketAsync(tenant, "HWI-0001", default),
            await TicketStoreContract.LiveAsync(store, tenant)));

        Assert.Equal(("HWI-0001", "idem-key"), (old!.MovedTo, old.MovedByKey));
        Assert.Equal([current.Id], created!.MovedFrom);
        Assert.Equal(2, created.History.Count);
        Assert.Equal(["HWI-0001"], live);
    }
}
