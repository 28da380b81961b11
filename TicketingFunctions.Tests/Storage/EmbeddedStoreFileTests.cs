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
        // The event's ticket: the stored document's first value, bound as a slice of it.
        Assert.Equal("1blob", Scalar(connection, "SELECT (e.ticket = substr(t.json, 1, t.history_start)) || typeof(e.ticket) FROM events e, tickets t"));
        Assert.Equal(Scalar(connection, "SELECT hex(CAST($t AS TEXT))", ("$t", tenant)), Scalar(connection, "SELECT hex(tenant_id) FROM events"));
        Assert.Equal("1integer", Scalar(connection, "SELECT value || typeof(value) FROM counters WHERE name = 'serial'"));
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

        // The file as version 1 left it: the same rows in the WITHOUT ROWID table.
        using (var connection = Open())
        {
            Execute(connection, $"""
                ALTER TABLE events RENAME TO events_now; DROP INDEX events_by_position;
                {EventsOfVersion1}
                INSERT INTO events SELECT * FROM events_now; DROP TABLE events_now; PRAGMA user_version = 1;
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
