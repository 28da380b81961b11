using System.Text.Json;
using Microsoft.Data.Sqlite;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Tests.Storage;

/// <summary>The embedded store's group commit (Storage/EmbeddedStoreFile.cs): how a commit's writes are completed and what they write.</summary>
public sealed class EmbeddedStoreFileTests : IDisposable
{
    private readonly string _folder = TestDataFolders.New();

    public void Dispose() => TestDataFolders.Delete(_folder);

    [Fact]
    public async Task A_write_completes_off_the_writer_so_code_run_inline_at_its_completion_can_wait_for_another_write()
    {
        // Run where the first create's task completes. Were that the writer, the second create could never commit.
        using var store = new EmbeddedTicketStore(_folder);
        var tenant = Guid.NewGuid().ToString();
        var waited = store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, "CTC-0001", 1), default).ContinueWith(
            _ => store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, "CTC-0002", 2), default).Wait(TimeSpan.FromSeconds(60)),
            TaskContinuationOptions.ExecuteSynchronously);
        Assert.True(await waited);
        Assert.NotNull(await store.GetTicketAsync(tenant, "CTC-0002", default));
    }

    [Fact]
    public async Task Every_create_of_a_large_group_completes_once_committed_and_reads_back_after_a_restart()
    {
        // More than one commit takes (256) and more than one completion work item per commit.
        var tenant = Guid.NewGuid().ToString();
        using (var store = new EmbeddedTicketStore(_folder))
        {
            var creates = Enumerable.Range(1, 1000).Select(i => Task.Run(() =>
                store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, $"CTC-{i:D4}", i), default))).ToList();
            await Task.WhenAll(creates);
        }
        using var reopened = new EmbeddedTicketStore(_folder);
        foreach (var i in Enumerable.Range(1, 1000))
            Assert.NotNull(await reopened.GetTicketAsync(tenant, $"CTC-{i:D4}", default));
    }

    [Fact]
    public async Task Rows_bound_through_sqlite_s_own_api_hold_the_bytes_and_types_a_SqliteCommand_writes()
    {
        // The writer binds values itself (no SqliteCommand): text, including what UTF-8 can't encode (a lone surrogate,
        // replaced as SqliteCommand's encoder replaces it), integers and blobs must land as SqliteCommand would put them.
        var tenant = "tenant-é-✓-\ud800-" + Guid.NewGuid();
        var ticket = TicketStoreContract.NewTicket(tenant, "CTC-0001", 7) with { Summary = "naïve \ud83d\ude00 <p>" };
        using (var store = new EmbeddedTicketStore(_folder))
        {
            await store.NextDisplayNumberAsync(tenant, "CTC", default);   // a counter row goes with the create
            await store.CreateTicketAsync(ticket, default);
        }

        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "tickets.db")};Pooling=False");
        connection.Open();
        Execute(connection, "CREATE TEMP TABLE expected AS SELECT * FROM tickets WHERE 0");
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO expected SELECT $tenant, $object, $id, $etag, json, history_start FROM tickets";
            insert.Parameters.AddWithValue("$tenant", ticket.TenantId);
            insert.Parameters.AddWithValue("$object", ticket.ObjectId);
            insert.Parameters.AddWithValue("$id", ticket.Id);
            insert.Parameters.AddWithValue("$etag", ticket.Etag);
            Assert.Equal(1, insert.ExecuteNonQuery());
        }
        string Row(string table) => Scalar(connection, $"""
            SELECT hex(tenant_id) || typeof(tenant_id) || hex(object_id) || hex(id) || hex(etag) || typeof(etag)
                || typeof(json) || typeof(history_start) || history_start FROM {table}
            """);
        Assert.Equal(Row("expected"), Row("tickets"));
        Assert.Equal("blobinteger", Scalar(connection, "SELECT typeof(json) || typeof(history_start) FROM tickets"));
        // The created event's ticket: the ticket row's, which holds it for both (not written twice).
        Assert.Equal("null", Scalar(connection, "SELECT typeof(ticket) FROM events"));
        Assert.Equal(Scalar(connection, "SELECT hex(CAST($t AS TEXT))", ("$t", tenant)), Scalar(connection, "SELECT hex(tenant_id) FROM events"));
        Assert.Equal("1integer", Scalar(connection, "SELECT value || typeof(value) FROM counters WHERE name = 'serial'"));
    }

    [Fact]
    public async Task A_create_writes_its_ticket_once_and_the_next_write_of_the_row_gives_the_event_its_own_copy_first()
    {
        var tenant = Guid.NewGuid().ToString();
        var ticket = TicketStoreContract.NewTicket(tenant, "CTC-0001", 1);
        string Column(string sql)
        {
            using var connection = Open();
            return Scalar(connection, sql);
        }
        using (var store = new EmbeddedTicketStore(_folder))
        {
            await store.CreateTicketAsync(ticket, default);
            var created = Assert.Single((await store.ReadEventsAsync(tenant, 0, 10, default)).Events);
            store.Dispose();
            Assert.Equal("null", Column("SELECT typeof(ticket) FROM events"));
            Assert.Equal(Convert.ToHexString(created.TicketJson.Span), Column("SELECT hex(substr(json, 1, history_start)) FROM tickets"));
        }
        using (var store = new EmbeddedTicketStore(_folder))
        {
            await store.ReplaceTicketAsync(ticket with { Etag = Guid.NewGuid().ToString(), Summary = "changed", Version = 2 }, ticket.Etag, default);
            var events = (await store.ReadEventsAsync(tenant, 0, 10, default)).Events;
            store.Dispose();
            // The created event holds the first revision now (a blob, as any other event), the update's event shares the row.
            Assert.Equal("1:blob:" + Convert.ToHexString(events[0].TicketJson.Span) + ",2:null:", Column(
                "SELECT group_concat(position || ':' || typeof(ticket) || ':' || hex(ticket), ',') FROM (SELECT * FROM events ORDER BY position)"));
            Assert.NotEqual(Convert.ToHexString(events[0].TicketJson.Span), Convert.ToHexString(events[1].TicketJson.Span));
        }
    }

    [Fact]
    public async Task The_feed_read_back_after_a_restart_holds_the_same_bytes_after_every_kind_of_write_of_a_ticket_s_row()
    {
        // Create, replace, a public comment that changes the row and one that doesn't, an internal note, a breach, a
        // move (tombstone and successor), a write of the successor, twice each across restarts: every event's revision
        // as the feed served it before the restart.
        var tenant = Guid.NewGuid().ToString();
        static string Feed(EventPage page) => string.Join("\n", page.Events.Select(e =>
            JsonSerializer.Serialize(e.Event, TicketJsonContext.Default.TicketEvent) + " " + Convert.ToHexString(e.TicketJson.Span)));
        async Task<string> WriteThenRestart(Func<EmbeddedTicketStore, Task> write)
        {
            string before;
            using (var store = new EmbeddedTicketStore(_folder))
            {
                await write(store);
                before = Feed(await store.ReadEventsAsync(tenant, 0, 1000, default));
            }
            using (var store = new EmbeddedTicketStore(_folder))
                Assert.Equal(before, Feed(await store.ReadEventsAsync(tenant, 0, 1000, default)));
            return before;
        }
        async Task<Ticket> Read(EmbeddedTicketStore store, string objectId) => (await store.GetTicketAsync(tenant, objectId, default))!;
        async Task Update(EmbeddedTicketStore store, string objectId, string summary)
        {
            var current = await Read(store, objectId);
            await store.ReplaceTicketAsync(current with { Etag = Guid.NewGuid().ToString(), Summary = summary, Version = current.Version + 1 }, current.Etag, default);
        }
        async Task Comment(EmbeddedTicketStore store, string objectId, string at, string visibility, bool changesRow)
        {
            var current = await Read(store, objectId);
            var comment = CommentStoreContract.NewComment(current, at, visibility);
            await store.AddCommentAsync(current, comment, t => changesRow ? TicketConversation.AfterComment(t, comment) : null, default);
        }

        await WriteThenRestart(store => store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, "CTC-0001", 1), default));
        await WriteThenRestart(store => Update(store, "CTC-0001", "first change"));
        await WriteThenRestart(async store =>
        {
            await Comment(store, "CTC-0001", "2025-07-10T13:00:00.000Z", CommentVisibility.Public, changesRow: true);
            await Comment(store, "CTC-0001", "2025-07-10T13:01:00.000Z", CommentVisibility.Public, changesRow: false);
            await Comment(store, "CTC-0001", "2025-07-10T13:02:00.000Z", CommentVisibility.Internal, changesRow: true);
        });
        await WriteThenRestart(async store =>
        {
            var current = await Read(store, "CTC-0001");
            var breach = new TicketEvent
            {
                Id = "breach-1", Type = TicketEventTypes.SlaBreached, Time = "2025-07-10T14:00:00.000Z", TenantId = tenant,
                TicketId = current.Id, ObjectId = current.ObjectId, TeamId = current.LookupProps.TeamId, Sequence = current.Version,
            };
            Assert.Equal(1, await store.RecordEventsAsync(current, [breach], default));
            await Update(store, "CTC-0001", "second change");
        });
        await WriteThenRestart(async store =>
        {
            var current = await Read(store, "CTC-0001");
            var (tombstone, successor) = TicketStoreContract.MoveOf(current, "HWI-0001");
            await store.MoveTicketAsync(tombstone, current.Etag, successor, null, default);
        });
        var feed = await WriteThenRestart(async store =>
        {
            await Update(store, "HWI-0001", "after the move");
            await Comment(store, "HWI-0001", "2025-07-10T15:00:00.000Z", CommentVisibility.Public, changesRow: true);
        });
        Assert.Equal(["ticket.created", "ticket.updated", "comment.created", "comment.created", "ticket.sla_breached", "ticket.updated", "ticket.moved", "ticket.updated", "comment.created"],
            feed.Split('\n').Select(line => JsonDocument.Parse(line[..line.LastIndexOf(' ')]).RootElement.GetProperty("type").GetString()));
        // Only the events of the rows as they stand share them.
        using var connection = Open();
        Assert.Equal("1", Scalar(connection, "SELECT count(*) FROM events WHERE ticket IS NULL"));
    }

    /// <summary>The events table as schema version 1 made it (WITHOUT ROWID, keyed by tenant and position).</summary>
    private const string EventsOfVersion1 = """
        CREATE TABLE events (tenant_id TEXT NOT NULL, position INTEGER NOT NULL, time TEXT NOT NULL, json BLOB NOT NULL,
            ticket BLOB NOT NULL, PRIMARY KEY (tenant_id, position)) WITHOUT ROWID;
        """;

    [Fact]
    public async Task A_version_1_file_opens_with_its_events_moved_to_a_rowid_table_byte_for_byte_and_takes_new_ones()
    {
        var tenant = Guid.NewGuid().ToString();
        var ticket = TicketStoreContract.NewTicket(tenant, "CTC-0001", 1);
        EventPage before;
        using (var store = new EmbeddedTicketStore(_folder))
        {
            await store.CreateTicketAsync(ticket, default);
            await store.ReplaceTicketAsync(ticket with { Etag = Guid.NewGuid().ToString(), Summary = "changed", Version = 2 }, ticket.Etag, default);
            await store.AppendEventAsync(TicketEvent.WebhookDisabled(tenant, "hook-1", "https://example.com/hook", "2026-12-01T00:00:00.000Z", "2026-12-06T00:00:00.000Z"), default);
            before = await store.ReadEventsAsync(tenant, 0, 100, default);
        }
        Assert.Equal(["ticket.created", "ticket.updated", "webhook.disabled"], before.Events.Select(e => e.Event.Type));

        // The file as version 1 left it: the same rows in the WITHOUT ROWID table, each with its own revision.
        using (var connection = Open())
        {
            Execute(connection, $"""
                ALTER TABLE events RENAME TO events_now; DROP INDEX events_by_position;
                {EventsOfVersion1}
                INSERT INTO events SELECT e.tenant_id, e.position, e.time, e.json, coalesce(e.ticket, (SELECT substr(t.json, 1, t.history_start)
                    FROM tickets t WHERE t.tenant_id = e.tenant_id AND t.object_id = json_extract(CAST(e.json AS TEXT), '$.object_id'))) FROM events_now e;
                DROP TABLE events_now; PRAGMA user_version = 1;
                """);
            Assert.Contains("WITHOUT ROWID", Scalar(connection, "SELECT sql FROM sqlite_schema WHERE name = 'events'"));
        }

        using (var store = new EmbeddedTicketStore(_folder))
        {
            var after = await store.ReadEventsAsync(tenant, 0, 100, default);
            Assert.Equal(before.Events.Select(e => JsonSerializer.Serialize(e.Event, TicketJsonContext.Default.TicketEvent)),
                after.Events.Select(e => JsonSerializer.Serialize(e.Event, TicketJsonContext.Default.TicketEvent)));
            Assert.Equal(before.Events.Select(e => Convert.ToHexString(e.TicketJson.Span)), after.Events.Select(e => Convert.ToHexString(e.TicketJson.Span)));
            await store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, "CTC-0002", 2), default);
        }
        using (var store = new EmbeddedTicketStore(_folder))
            Assert.Equal(4, (await store.ReadEventsAsync(tenant, 0, 100, default)).Events.Count);

        using (var connection = Open())
        {
            Assert.Equal("2", Scalar(connection, "PRAGMA user_version"));
            Assert.DoesNotContain("WITHOUT ROWID", Scalar(connection, "SELECT sql FROM sqlite_schema WHERE name = 'events'"));
            Assert.Equal("1", Scalar(connection, "SELECT count(*) FROM sqlite_schema WHERE name = 'events_by_position'"));
            Assert.Equal("0", Scalar(connection, "SELECT count(*) FROM sqlite_schema WHERE name = 'events_v1'"));
        }
    }

    [Fact]
    public async Task A_version_1_file_from_before_events_opens_and_records_them()
    {
        var tenant = Guid.NewGuid().ToString();
        using (var store = new EmbeddedTicketStore(_folder))
            await store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, "CTC-0001", 1), default);
        using (var connection = Open())
            Execute(connection, "DROP TABLE events; PRAGMA user_version = 1;");

        using (var store = new EmbeddedTicketStore(_folder))
        {
            Assert.NotNull(await store.GetTicketAsync(tenant, "CTC-0001", default));
            await store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, "CTC-0002", 2), default);
            Assert.Equal("ticket.created", Assert.Single((await store.ReadEventsAsync(tenant, 0, 100, default)).Events).Event.Type);
        }
    }

    [Fact]
    public void A_file_of_a_newer_schema_version_is_refused_and_left_as_it_is()
    {
        using (new EmbeddedTicketStore(_folder)) { }
        using (var connection = Open())
            Execute(connection, "PRAGMA user_version = 99;");

        var refused = Assert.Throws<TicketingFunctions.Settings.SettingException>(() => new EmbeddedTicketStore(_folder));
        Assert.Contains("newer version of the app (schema 99)", refused.Message);
        using var reopened = Open();
        Assert.Equal("99", Scalar(reopened, "PRAGMA user_version"));
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "tickets.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Scalar(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
