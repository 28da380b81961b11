using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="ITicketStore"/> must have. Each implementation runs it through a
/// subclass that supplies a fresh store; tenants are random per test so runs never see each other.
/// </summary>
public abstract partial class TicketStoreContract
{
    protected abstract Task<ITicketStore> CreateStoreAsync();

    private static string NewTenant() => Guid.NewGuid().ToString();

    internal static Ticket NewTicket(string tenantId, string objectId, long serial = 1) => new()
    {
        Id = Guid.NewGuid().ToString(),
        TenantId = tenantId,
        ObjectId = objectId,
        Etag = Guid.NewGuid().ToString(),
        Summary = "Contract test",
        Data = new JsonObject { ["offerId"] = "1", ["ccWatchers"] = new JsonArray() },
        LookupProps = new LookupProps("team", "1"),
        StatusType = "Open",
        StatusCategory = "To-do Category",
        CreatedAt = "2025-07-10T12:34:56.737Z",
        UpdatedAt = "2025-07-10T12:34:56.737Z",
        IdSerial = serial,
        Source = "api",
        CatalogType = "template",
        Module = "ticketing",
    };

    [Fact]
    public async Task Created_ticket_reads_back_with_every_field()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var ticket = NewTicket(tenant, "CTC-0001");

        await store.CreateTicketAsync(ticket, default);
        var read = await store.GetTicketAsync(tenant, "CTC-0001", default);

        Assert.NotNull(read);
        Assert.Equal(ticket.Id, read.Id);
        Assert.Equal(ticket.Etag, read.Etag);
        Assert.Equal(ticket.Summary, read.Summary);
        Assert.Equal(ticket.LookupProps, read.LookupProps);
        Assert.Equal(ticket.IdSerial, read.IdSerial);
        Assert.Equal(ticket.CreatedAt, read.CreatedAt);
        Assert.Equal("1", (string?)read.Data["offerId"]);
        Assert.Equal(-1, read.DeletedSeq);
        Assert.Equal(1, read.Version);
    }

    [Fact]
    public async Task Missing_ticket_reads_as_null()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.GetTicketAsync(NewTenant(), "CTC-0404", default));
    }

    [Fact]
    public async Task Tenants_never_see_each_others_tickets_or_catalogs()
    {
        var store = await CreateStoreAsync();
        var a = NewTenant();
        var b = NewTenant();
        await store.CreateTicketAsync(NewTicket(a, "CTC-0001"), default);
        await store.UpsertCatalogAsync(EmptyCatalog(a), default);

        Assert.Null(await store.GetTicketAsync(b, "CTC-0001", default));
        Assert.Null(await store.GetCatalogAsync(b, default));
        Assert.NotNull(await store.GetCatalogAsync(a, default));
        // The same display id can exist in two tenants.
        await store.CreateTicketAsync(NewTicket(b, "CTC-0001"), default);
        Assert.NotEqual((await store.GetTicketAsync(a, "CTC-0001", default))!.Id, (await store.GetTicketAsync(b, "CTC-0001", default))!.Id);
    }

    [Fact]
    public async Task Duplicate_display_id_in_one_tenant_is_refused()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var first = NewTicket(tenant, "CTC-0001");
        await store.CreateTicketAsync(first, default);

        await Assert.ThrowsAsync<TicketConflictException>(() => store.CreateTicketAsync(NewTicket(tenant, "CTC-0001"), default));
        Assert.Equal(first.Id, (await store.GetTicketAsync(tenant, "CTC-0001", default))!.Id);
    }

    [Fact]
    public async Task Parallel_increments_get_distinct_consecutive_numbers()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();

        var results = await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(_ => Task.Run(() => store.NextDisplayNumberAsync(tenant, "CTC", default))));

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), results.Select(r => r.Number).Order());
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), results.Select(r => r.Serial).Order());
    }

    [Fact]
    public async Task Parallel_deletion_numbers_are_distinct_consecutive_from_1_and_leave_the_display_numbers_alone()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var before = await store.NextDisplayNumberAsync(tenant, "CTC", default);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => store.NextDeletionSeqAsync(tenant, default))));
        var after = await store.NextDisplayNumberAsync(tenant, "CTC", default);

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), results.Order());
        Assert.Equal(new DisplayNumber(before.Serial + 1, before.Number + 1), after);
        Assert.Equal(1, await store.NextDeletionSeqAsync(NewTenant(), default));
    }

    [Fact]
    public async Task Prefixes_count_separately_and_the_serial_spans_them()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();

        var first = await store.NextDisplayNumberAsync(tenant, "CTC", default);
        var second = await store.NextDisplayNumberAsync(tenant, "REQ", default);
        var third = await store.NextDisplayNumberAsync(tenant, "CTC", default);
        var otherTenant = await store.NextDisplayNumberAsync(NewTenant(), "CTC", default);

        Assert.Equal(new DisplayNumber(1, 1), first);
        Assert.Equal(new DisplayNumber(2, 1), second);
        Assert.Equal(new DisplayNumber(3, 2), third);
        Assert.Equal(new DisplayNumber(1, 1), otherTenant);
    }

    [Fact]
    public async Task Replace_with_current_etag_succeeds_and_stale_etag_is_refused()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var original = NewTicket(tenant, "CTC-0001");
        await store.CreateTicketAsync(original, default);

        var updated = original with { Etag = Guid.NewGuid().ToString(), Summary = "changed", Version = 2 };
        await store.ReplaceTicketAsync(updated, original.Etag, default);

        var stale = original with { Etag = Guid.NewGuid().ToString(), Summary = "lost update", Version = 2 };
        await Assert.ThrowsAsync<EtagMismatchException>(() => store.ReplaceTicketAsync(stale, original.Etag, default));

        var read = await store.GetTicketAsync(tenant, "CTC-0001", default);
        Assert.Equal("changed", read!.Summary);
        Assert.Equal(updated.Etag, read.Etag);
    }

    [Fact]
    public async Task Work_state_reads_back_status_assignee_resolved_at_metrics_and_clock_times_but_no_clock_state()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var original = NewTicket(tenant, "REQ-0001") with
        {
            Slas = [new TicketSla { Name = "Time to first response", TargetAt = "2025-07-10T16:34:56.737Z", State = TicketSla.Running }],
        };
        await store.CreateTicketAsync(original, default);

        var worked = original with
        {
            Etag = Guid.NewGuid().ToString(),
            Version = 2,
            StatusType = "Resolved",
            StatusCategory = "Done Category",
            Assignee = new Assignee("agent.smith"),
            ResolvedAt = "2025-07-11T08:00:00.000Z",
            Metrics = [new(TicketMetric.TimeToFirstResponse, 60), new(TicketMetric.TimeToResolution, 70_000)],
            Slas = [original.Slas[0] with { StoppedAt = "2025-07-10T12:35:56.737Z", State = TicketSla.Met }],
        };
        await store.ReplaceTicketAsync(worked, original.Etag, default);

        var read = (await store.GetTicketAsync(tenant, "REQ-0001", default))!;
        Assert.Equal(("Resolved", "Done Category", "2025-07-11T08:00:00.000Z"), (read.StatusType, read.StatusCategory, read.ResolvedAt));
        Assert.Equal(new Assignee("agent.smith"), read.Assignee);
        Assert.Equal(worked.Metrics, read.Metrics);
        // The state depends on when the ticket is read, so it is computed then and never stored.
        Assert.Equal([worked.Slas[0] with { State = null }], read.Slas);

        var unassigned = read with { Etag = Guid.NewGuid().ToString(), Version = 3, Assignee = null, ResolvedAt = null };
        await store.ReplaceTicketAsync(unassigned, worked.Etag, default);
        var again = (await store.GetTicketAsync(tenant, "REQ-0001", default))!;
        Assert.Null(again.Assignee);
        Assert.Null(again.ResolvedAt);
    }

    [Fact]
    public async Task Editing_a_read_ticket_does_not_change_the_stored_one()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        await store.CreateTicketAsync(NewTicket(tenant, "CTC-0001"), default);

        var read = await store.GetTicketAsync(tenant, "CTC-0001", default);
        read!.Data["offerId"] = "tampered";

        Assert.Equal("1", (string?)(await store.GetTicketAsync(tenant, "CTC-0001", default))!.Data["offerId"]);
    }

    [Fact]
    public async Task Catalog_upsert_is_idempotent_and_replaces()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        await store.UpsertCatalogAsync(EmptyCatalog(tenant), default);
        await store.UpsertCatalogAsync(EmptyCatalog(tenant) with { Name = "renamed" }, default);

        var read = await store.GetCatalogAsync(tenant, default);
        Assert.Equal("renamed", read!.Name);
    }

    [Fact]
    public async Task Twenty_parallel_replaces_with_one_etag_have_exactly_one_winner()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var original = NewTicket(tenant, "CTC-0001");
        await store.CreateTicketAsync(original, default);
        var read = (await store.GetTicketAsync(tenant, "CTC-0001", default))!;

        var attempts = Enumerable.Range(0, 20).Select(i => read with { Etag = Guid.NewGuid().ToString(), Summary = $"writer {i}", Version = 2 }).ToArray();
        var results = await Task.WhenAll(attempts.Select(attempt => Task.Run(async () =>
        {
            try
            {
                await store.ReplaceTicketAsync(attempt, read.Etag, default);
                return (Ticket?)attempt;
            }
            catch (EtagMismatchException)
            {
                return null;
            }
        })));

        var winner = Assert.Single(results, r => r is not null)!;
        Assert.Equal(19, results.Count(r => r is null));
        var stored = (await store.GetTicketAsync(tenant, "CTC-0001", default))!;
        Assert.Equal(winner.Summary, stored.Summary);
        Assert.Equal(winner.Etag, stored.Etag);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task Embedded_history_is_stored_with_the_ticket_on_create_and_replace()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var created = NewTicket(tenant, "CTC-0001") with { History = [Entry(1, TicketHistory.Created, ("summary", null, "\"Contract test\""))] };
        await store.CreateTicketAsync(created, default);

        var read = (await store.GetTicketAsync(tenant, "CTC-0001", default))!;
        Assert.Equal(Json(created.History), Json(read.History));

        var history = read.History.Append(Entry(2, TicketHistory.Updated,
            ("summary", "\"Contract test\"", "\"changed\""),
            ("field", null, """{"nested":[1,2.5,true,null,"<p>&amp;</p>"]}"""),
            ("cleared", "\"x\"", null))).ToArray();
        await store.ReplaceTicketAsync(read with { Etag = Guid.NewGuid().ToString(), Summary = "changed", Version = 2, History = history }, read.Etag, default);

        var reread = (await store.GetTicketAsync(tenant, "CTC-0001", default))!;
        Assert.Equal(Json(history), Json(reread.History));
        Assert.Equal([1, 2], reread.History.Select(e => e.Version));
        Assert.Null(reread.History[1].Changes["cleared"].New);
        Assert.Null(reread.History[1].Changes["field"].Old);
    }

    [Fact]
    public async Task History_archive_reads_back_oldest_first_and_appending_again_duplicates_nothing()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var ticketId = Guid.NewGuid().ToString();
        IReadOnlyList<TicketHistoryEntry> older = [Entry(1, TicketHistory.Created, ("summary", null, "\"a\"")), Entry(2, TicketHistory.Updated, ("summary", "\"a\"", "\"b\""))];
        IReadOnlyList<TicketHistoryEntry> newer = [Entry(3, TicketHistory.Updated, ("f", "[1]", "{\"k\":null}")), Entry(4, TicketHistory.Updated, ("f", "{\"k\":null}", null))];

        await store.AppendHistoryArchiveAsync(tenant, ticketId, newer, default);
        await store.AppendHistoryArchiveAsync(tenant, ticketId, older, default);
        await store.AppendHistoryArchiveAsync(tenant, ticketId, newer, default); // a retry, or a writer that lost the race

        var archive = await store.GetHistoryArchiveAsync(tenant, ticketId, 0, int.MaxValue, default);
        Assert.Equal([1, 2, 3, 4], archive.Select(e => e.Version));
        Assert.Equal(Json([.. older, .. newer]), Json(archive));
    }

    [Fact]
    public async Task Archiving_a_shorter_range_from_the_same_version_loses_no_archived_version()
    {
        // Two writers racing from one revision may archive different lengths (the size limit depends on their own
        // new entry): 1..3 by the winner, 1..2 by the loser, in either order. Nothing the winner archived may go.
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var ticketId = Guid.NewGuid().ToString();
        var entries = Enumerable.Range(1, 3).Select(v => Entry(v, TicketHistory.Updated, ("summary", null, $"\"v{v}\""))).ToArray();

        await store.AppendHistoryArchiveAsync(tenant, ticketId, entries, default);
        await store.AppendHistoryArchiveAsync(tenant, ticketId, entries[..2], default);

        Assert.Equal([1, 2, 3], (await store.GetHistoryArchiveAsync(tenant, ticketId, 0, int.MaxValue, default)).Select(e => e.Version));
    }

    [Fact]
    public async Task History_archive_reads_a_range_of_versions_across_archive_documents()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var ticketId = Guid.NewGuid().ToString();
        var entries = Enumerable.Range(1, 12).Select(v => Entry(v, TicketHistory.Updated, ("summary", null, $"\"v{v}\""))).ToArray();
        await store.AppendHistoryArchiveAsync(tenant, ticketId, entries[..4], default);
        await store.AppendHistoryArchiveAsync(tenant, ticketId, entries[4..8], default);
        await store.AppendHistoryArchiveAsync(tenant, ticketId, entries[8..], default);

        Assert.Equal([3, 4, 5, 6], (await store.GetHistoryArchiveAsync(tenant, ticketId, 2, 6, default)).Select(e => e.Version));
        Assert.Equal([9, 10, 11, 12], (await store.GetHistoryArchiveAsync(tenant, ticketId, 8, 100, default)).Select(e => e.Version));
        Assert.Equal([1], (await store.GetHistoryArchiveAsync(tenant, ticketId, 0, 1, default)).Select(e => e.Version));
        Assert.Empty(await store.GetHistoryArchiveAsync(tenant, ticketId, 12, 50, default));
    }

    [Fact]
    public async Task History_archive_is_per_ticket_and_per_tenant()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var ticketId = Guid.NewGuid().ToString();
        await store.AppendHistoryArchiveAsync(tenant, ticketId, [Entry(1, TicketHistory.Created, ("summary", null, "\"a\""))], default);

        Assert.Single(await store.GetHistoryArchiveAsync(tenant, ticketId, 0, int.MaxValue, default));
        Assert.Empty(await store.GetHistoryArchiveAsync(tenant, Guid.NewGuid().ToString(), 0, int.MaxValue, default));
        Assert.Empty(await store.GetHistoryArchiveAsync(NewTenant(), ticketId, 0, int.MaxValue, default));
    }

    internal static TicketHistoryEntry Entry(int version, string action, params (string Key, string? Old, string? New)[] changes) => new()
    {
        Version = version,
        Action = action,
        Username = "user@example.com",
        Timestamp = $"2025-07-10T12:34:{version % 60:D2}.737Z",
        Changes = changes.ToDictionary(c => c.Key, c => new ValueChange(Parse(c.Old), Parse(c.New)), StringComparer.Ordinal),
    };

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    private static string Json(IReadOnlyList<TicketHistoryEntry> entries) => JsonSerializer.Serialize(entries, StoreJson.Options);

    internal static TenantCatalog EmptyCatalog(string tenantId) =>
        new(tenantId, "Tenant", "demo", [new Team("james", "James")], [], []);

    internal static IdempotencyRecord Claim(string tenant, string id = "idem-1", string hash = "h1") => new()
    {
        Id = id,
        TenantId = tenant,
        RequestHash = hash,
        State = IdempotencyRecord.Pending,
        CreatedAtUnixSeconds = 1_700_000_000,
        ExpiresAtUnixSeconds = 1_700_086_400,
        Ttl = 86_400,
    };

    [Fact]
    public async Task An_idempotency_key_is_claimed_once_and_then_shows_its_holder()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();

        Assert.Null(await store.ClaimIdempotencyKeyAsync(Claim(tenant), _ => false, default));
        var held = await store.ClaimIdempotencyKeyAsync(Claim(tenant, hash: "h2"), _ => false, default);

        Assert.NotNull(held);
        Assert.Equal("h1", held.RequestHash);
        Assert.Equal(IdempotencyRecord.Pending, held.State);
        // Keys are per tenant.
        Assert.Null(await store.ClaimIdempotencyKeyAsync(Claim(NewTenant()), _ => false, default));
    }

    [Fact]
    public async Task A_saved_record_keeps_the_ticket_and_a_released_key_can_be_claimed_again()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var ticket = NewTicket(tenant, "CTC-0001");
        await store.ClaimIdempotencyKeyAsync(Claim(tenant), _ => false, default);

        await store.SaveIdempotencyRecordAsync(Claim(tenant) with { State = IdempotencyRecord.Completed, Ticket = ticket }, default);
        var completed = await store.ClaimIdempotencyKeyAsync(Claim(tenant), _ => false, default);
        Assert.Equal(IdempotencyRecord.Completed, completed!.State);
        Assert.Equal(ticket.Id, completed.Ticket!.Id);
        Assert.Equal("CTC-0001", completed.Ticket.ObjectId);

        await store.ReleaseIdempotencyKeyAsync(tenant, "idem-1", default);
        await store.ReleaseIdempotencyKeyAsync(tenant, "idem-1", default);
        Assert.Null(await store.ClaimIdempotencyKeyAsync(Claim(tenant, hash: "h3"), _ => false, default));
    }

    [Fact]
    public async Task A_ticket_created_with_its_key_reads_back_and_the_key_then_answers_the_completed_record()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        var ticket = NewTicket(tenant, "CTC-0001");
        Assert.Null(await store.ClaimIdempotencyKeyAsync(Claim(tenant), _ => false, default));

        await store.CreateTicketWithKeyAsync(ticket, Claim(tenant) with { State = IdempotencyRecord.Completed, Ticket = ticket }, default);
        Assert.Equal(ticket.Id, (await store.GetTicketAsync(tenant, "CTC-0001", default))!.Id);
        var completed = await store.ClaimIdempotencyKeyAsync(Claim(tenant, hash: "h2"), _ => false, default);
        Assert.Equal(IdempotencyRecord.Completed, completed!.State);
        Assert.Equal("CTC-0001", completed.Ticket!.ObjectId);
        // The display id is taken like any other create's, with or without a key.
        await Assert.ThrowsAsync<TicketConflictException>(() => store.CreateTicketWithKeyAsync(NewTicket(tenant, "CTC-0001"),
            Claim(tenant, "idem-2") with { State = IdempotencyRecord.Completed }, default));
    }

    [Fact]
    public async Task A_held_key_is_taken_over_only_when_allowed()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();
        await store.ClaimIdempotencyKeyAsync(Claim(tenant), _ => false, default);

        Assert.Null(await store.ClaimIdempotencyKeyAsync(Claim(tenant, hash: "h2"), held => held.RequestHash == "h1", default));
        Assert.Equal("h2", (await store.ClaimIdempotencyKeyAsync(Claim(tenant, hash: "h3"), _ => false, default))!.RequestHash);
    }

    [Fact]
    public async Task Of_parallel_claims_of_one_key_exactly_one_wins()
    {
        var store = await CreateStoreAsync();
        var tenant = NewTenant();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => store.ClaimIdempotencyKeyAsync(Claim(tenant, hash: $"h{i}"), _ => false, default))));

        Assert.Single(results, r => r is null);
        var winner = results.Select((r, i) => (r, i)).Single(x => x.r is null).i;
        Assert.All(results.Where(r => r is not null), r => Assert.Equal($"h{winner}", r!.RequestHash));
    }
}
