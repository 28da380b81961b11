using System.Text;
using System.Threading.Channels;
using TicketingFunctions.Settings;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TicketingFunctions.Storage;

/// <summary>
/// The embedded store's SQLite file: one table per kind of document, each row keyed by tenant as Cosmos DB partitions
/// are (a later kind, such as events, is one more table). Every change is committed before its task completes (one
/// writer loop commits the changes queued together in one transaction: <see cref="WriteAsync"/>), so an acknowledged
/// write survives the process being killed: WAL with <c>synchronous=NORMAL</c> hands each
/// commit to the operating system (a power loss may drop the last commits, never corrupt the file; see
/// docs/design.md). The connection takes the file's lock for itself (<c>locking_mode=EXCLUSIVE</c>): a second process
/// on the same folder fails at start instead of keeping an index that the other process's writes would make stale.
/// </summary>
internal sealed class EmbeddedStoreFile : IDisposable
{
    public const string FileName = "tickets.db";
    /// <summary>
    /// Bumped when a table changes shape: a file from an older version is brought up to date as it opens (in the
    /// transaction that sets the version: <see cref="EventsAsRowidTable"/>), one from a newer version is refused rather than misread.
    /// </summary>
    private const int SchemaVersion = 2;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS catalogs (tenant_id TEXT NOT NULL PRIMARY KEY, json BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS counters (tenant_id TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,
            PRIMARY KEY (tenant_id, name)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS tickets (tenant_id TEXT NOT NULL, object_id TEXT NOT NULL, id TEXT NOT NULL, etag TEXT NOT NULL,
            json BLOB NOT NULL, history_start INTEGER NOT NULL, PRIMARY KEY (tenant_id, object_id));
        CREATE TABLE IF NOT EXISTS history_archive (tenant_id TEXT NOT NULL, ticket_id TEXT NOT NULL, version INTEGER NOT NULL,
            json BLOB NOT NULL, PRIMARY KEY (tenant_id, ticket_id, version)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS comments (tenant_id TEXT NOT NULL, id TEXT NOT NULL, json BLOB NOT NULL,
            PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS idempotency (tenant_id TEXT NOT NULL, id TEXT NOT NULL, json BLOB NOT NULL,
            PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS events (tenant_id TEXT NOT NULL, position INTEGER NOT NULL, time TEXT NOT NULL, json BLOB NOT NULL,
            ticket BLOB);
        CREATE UNIQUE INDEX IF NOT EXISTS events_by_position ON events (tenant_id, position);
        """;

    /// <summary>
    /// Version 1 → 2: events become a rowid table with a unique index on (tenant, position), and an event's
    /// <c>ticket</c> may be NULL: the revision is then the ticket row's own (see <see cref="Batch.Event"/>). An event row
    /// with the revision's JSON (~1.5 KB) is larger than a WITHOUT ROWID table keeps in its b-tree page on a 4 KB page
    /// (about 1 KB), so each row took an overflow page of its own, mostly empty: one more page written per create and
    /// about 3 KB of file. Run only on a version 1 file that has the table (one from before events gets it from
    /// <see cref="Schema"/>); the rows keep their bytes.
    /// </summary>
    private const string EventsAsRowidTable = """
        ALTER TABLE events RENAME TO events_v1;
        CREATE TABLE events (tenant_id TEXT NOT NULL, position INTEGER NOT NULL, time TEXT NOT NULL, json BLOB NOT NULL,
            ticket BLOB);
        INSERT INTO events SELECT tenant_id, position, time, json, ticket FROM events_v1 ORDER BY tenant_id, position;
        DROP TABLE events_v1;
        """;

    /// <summary>The counter rows' names: the tenant-wide serial, the deletion sequence, and one per display-id prefix.</summary>
    public const string SerialCounter = "serial";
    public const string DeletionCounter = "deletions";
    public const string NumberCounterPrefix = "number:";
    /// <summary>The last position given in the tenant's event feed: kept apart from the events, which are pruned.</summary>
    public const string EventCounter = "events";

    /// <summary>The most writes one transaction takes from the queue: a bound on how long the first of them waits.</summary>
    private const int MaxBatch = 256;

    private readonly SqliteConnection _connection;
    private readonly Statement _upsertCatalog, _setCounter, _upsertTicket, _upsertHistory, _upsertIdempotency, _deleteIdempotency, _upsertComment, _insertEvent, _keepEventTicket, _deleteEvents;
    private readonly Statement _begin, _commit, _rollback;
    private readonly Channel<QueuedWrite> _queue = Channel.CreateUnbounded<QueuedWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    private EmbeddedStoreFile(SqliteConnection connection)
    {
        _connection = connection;
        _upsertCatalog = new(connection, "INSERT INTO catalogs VALUES ($1, $2) ON CONFLICT DO UPDATE SET json = excluded.json");
        _setCounter = new(connection, "INSERT INTO counters VALUES ($1, $2, $3) ON CONFLICT DO UPDATE SET value = excluded.value");
        _upsertTicket = new(connection, """
            INSERT INTO tickets VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO UPDATE
            SET id = excluded.id, etag = excluded.etag, json = excluded.json, history_start = excluded.history_start
            """);
        _upsertHistory = new(connection, "INSERT INTO history_archive VALUES ($1, $2, $3, $4) ON CONFLICT DO UPDATE SET json = excluded.json");
        _upsertIdempotency = new(connection, "INSERT INTO idempotency VALUES ($1, $2, $3) ON CONFLICT DO UPDATE SET json = excluded.json");
        _deleteIdempotency = new(connection, "DELETE FROM idempotency WHERE tenant_id = $1 AND id = $2");
        _upsertComment = new(connection, "INSERT INTO comments VALUES ($1, $2, $3) ON CONFLICT DO UPDATE SET json = excluded.json");
        _insertEvent = new(connection, "INSERT INTO events VALUES ($1, $2, $3, $4, $5)");
        // The event's row again, with the ticket row's revision as its own copy (a blob, as Event binds one), under a new
        // rowid: appended to the table rather than grown in place, which would split its page (see Batch.Event).
        _keepEventTicket = new(connection, """
            INSERT OR REPLACE INTO events SELECT tenant_id, position, time, json,
                (SELECT substr(t.json, 1, t.history_start) FROM tickets t WHERE t.tenant_id = $1 AND t.object_id = $2)
            FROM events WHERE tenant_id = $1 AND position = $3 AND ticket IS NULL
            """);
        _deleteEvents = new(connection, "DELETE FROM events WHERE tenant_id = $1 AND position <= $2");
        // What SqliteConnection.BeginTransaction() runs, prepared once: the writer is the connection's only user.
        _begin = new(connection, "BEGIN IMMEDIATE");
        _commit = new(connection, "COMMIT");
        _rollback = new(connection, "ROLLBACK");
        // A loop on the thread pool that holds no thread while the queue is empty (an idle store costs nothing).
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Opens (creating it and its folder if needed) the file at <paramref name="path"/> and takes its lock.</summary>
    public static EmbeddedStoreFile Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connection = new SqliteConnection(ConnectionString(path));
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
            var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"));
            if (version > SchemaVersion)
                throw new SettingException($"{path} was written by a newer version of the app (schema {version}); set {LocalDataFolder.SettingName} to another folder.");
            // The first write takes the exclusive lock, kept until the connection closes.
            using (var transaction = connection.BeginTransaction())
            {
                if (version == 1 && Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'events'", transaction)) > 0)
                    Execute(connection, EventsAsRowidTable, transaction);
                Execute(connection, Schema + $"PRAGMA user_version = {SchemaVersion};", transaction);
                transaction.Commit();
            }
            return new EmbeddedStoreFile(connection);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)   // SQLITE_BUSY, SQLITE_LOCKED
        {
            connection.Dispose();
            throw new SettingException($"{path} is in use by another process: stop it, or set {LocalDataFolder.SettingName} to another folder.", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>True when another process holds the file (a running app), so that its data must not be deleted now.</summary>
    public static bool IsInUse(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var file = Open(path);
            return false;
        }
        catch (InvalidOperationException ex) when (ex.InnerException is SqliteException)
        {
            return true;
        }
    }

    // Not pooled: disposing the store closes the file and releases its lock, so that a restart in the same process
    // (and the tests that model one) can open it again. A busy file fails within a second rather than after 30.
    private static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
        DefaultTimeout = 1,
    }.ToString();

    /// <summary>Cheap proof that the file answers (for a readiness check): a read on the writer's connection.</summary>
    public Task PingAsync() => WriteAsync(new Batch(), null);

    /// <summary>
    /// The rows of one change, written in one transaction with the changes queued beside it. Built by the caller, run
    /// by the writer; the statements are the file's own (prepared once), so a batch is only a list of rows.
    /// </summary>
    public sealed class Batch
    {
        internal readonly List<(Func<EmbeddedStoreFile, Statement> Statement, object?[] Values)> Rows = [];

        public Batch Catalog(string tenantId, byte[] json) => Add(f => f._upsertCatalog, tenantId, json);
        public Batch Counter(string tenantId, string name, long value) => Add(f => f._setCounter, tenantId, name, value);
        public Batch Ticket(string tenantId, string objectId, string id, string etag, byte[] json, int historyStart) =>
            Add(f => f._upsertTicket, tenantId, objectId, id, etag, json, historyStart);
        public Batch History(string tenantId, string ticketId, int version, byte[] json) => Add(f => f._upsertHistory, tenantId, ticketId, version, json);
        public Batch Idempotency(string tenantId, string id, byte[] json) => Add(f => f._upsertIdempotency, tenantId, id, json);
        public Batch DeleteIdempotency(string tenantId, string id) => Add(f => f._deleteIdempotency, tenantId, id);
        public Batch Comment(string tenantId, string id, byte[] json) => Add(f => f._upsertComment, tenantId, id, json);
        /// <param name="ticket">
        /// The revision's JSON: a slice of the stored document, bound as it is (not copied); or null when this batch
        /// writes that revision as the ticket's row (<see cref="Ticket"/>), which then holds it for the event too: a
        /// create writes its ticket once, not twice. Such an event must get its own copy (<see cref="KeepEventTicket"/>)
        /// in the commit that next changes the row, before the row changes.
        /// </param>
        public Batch Event(string tenantId, long position, string time, byte[] json, ReadOnlyMemory<byte>? ticket) =>
            Add(f => f._insertEvent, tenantId, position, time, json, ticket);
        /// <summary>Gives the event at <paramref name="position"/>, if it shares the row of <paramref name="objectId"/>, its own copy of the row's revision.</summary>
        public Batch KeepEventTicket(string tenantId, string objectId, long position) => Add(f => f._keepEventTicket, tenantId, objectId, position);
        public Batch DeleteEventsThrough(string tenantId, long position) => Add(f => f._deleteEvents, tenantId, position);

        private Batch Add(Func<EmbeddedStoreFile, Statement> statement, params object?[] values)
        {
            Rows.Add((statement, values));
            return this;
        }
    }

    private sealed record QueuedWrite(Batch Batch, Action? AfterCommit, TaskCompletionSource Done);

    /// <summary>
    /// Writes <paramref name="rows"/> all or none, then runs <paramref name="afterCommit"/> (by the writer, in
    /// commit order, so the in-memory state changes in the file's order), then completes: the write is durable when
    /// the task is. Group commit: one writer loop takes every change queued meanwhile into one transaction, so
    /// concurrent requests share a commit and wait for it without holding a thread or a lock. A failure (disk
    /// full, file gone) rolls the transaction back and is a <see cref="StoreUnavailableException"/> for every change
    /// in it: the caller answers 503, and the in-memory state, changed only after a commit, still matches the file.
    /// </summary>
    public Task WriteAsync(Batch rows, Action? afterCommit)
    {
        // Completed by CompleteAsync's work items, never by the writer: continuations may run inline there.
        var write = new QueuedWrite(rows, afterCommit, new TaskCompletionSource());
        if (!_queue.Writer.TryWrite(write)) return Task.FromException(new ObjectDisposedException(nameof(EmbeddedStoreFile)));
        return write.Done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<QueuedWrite>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var write)) batch.Add(write);
            Exception? failure = null;
            try
            {
                _begin.Run([]);
                try
                {
                    foreach (var write in batch)
                        foreach (var (statement, values) in write.Batch.Rows)
                            statement(this).Run(values);
                    _commit.Run([]);
                }
                catch
                {
                    // Some errors (a full disk, an I/O error) roll the transaction back themselves.
                    if (raw.sqlite3_get_autocommit(_connection.Handle) == 0) _rollback.Run([]);
                    throw;
                }
            }
            catch (SqliteException ex)
            {
                failure = new StoreUnavailableException($"The local data file could not be written (SQLite error {ex.SqliteErrorCode}).", TimeSpan.FromSeconds(1), ex);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            var completions = new (TaskCompletionSource Done, Exception? Failure)[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                var write = batch[i];
                Exception? outcome = failure;
                if (outcome is null)
                {
                    try { write.AfterCommit?.Invoke(); }
                    catch (Exception ex) { outcome = ex; }
                }
                completions[i] = (write.Done, outcome);
            }
            CompleteOffTheWriter(completions);
            batch.Clear();
        }
    }

    /// <summary>
    /// Completes a commit's writes off the writer, so that it can start the next commit. Each request's continuation
    /// (the rest of its response) runs inline where its task completes: on the writer it would hold up the next
    /// commit, and a work item per write (RunContinuationsAsynchronously) costs a thread-pool dispatch, often a thread
    /// wake, per create. So one work item per core, each completing its share of the batch in turn.
    /// </summary>
    private static void CompleteOffTheWriter((TaskCompletionSource Done, Exception? Failure)[] completions)
    {
        var size = (completions.Length + Environment.ProcessorCount - 1) / Environment.ProcessorCount;
        for (var start = 0; start < completions.Length; start += size)
            ThreadPool.UnsafeQueueUserWorkItem(static part =>
            {
                foreach (var (done, failure) in part)
                {
                    if (failure is null) done.SetResult();
                    else done.SetException(failure);
                }
            }, new ArraySegment<(TaskCompletionSource, Exception?)>(completions, start, Math.Min(size, completions.Length - start)), preferLocal: false);
    }

    /// <summary>Every row of one table, for the start-up rebuild (one reader at a time, before any write).</summary>
    public IEnumerable<SqliteDataReader> ReadAll(string table, string columns)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {columns} FROM {table}";
        using var reader = command.ExecuteReader();
        while (reader.Read()) yield return reader;
    }

    /// <summary>A column's bytes in a new array on the pinned object heap, where the store keeps its documents.</summary>
    public static byte[] PinnedBytes(SqliteDataReader reader, int ordinal)
    {
        var length = reader.GetBytes(ordinal, 0, null, 0, 0);
        var bytes = GC.AllocateUninitializedArray<byte>((int)length, pinned: true);
        reader.GetBytes(ordinal, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <summary>Lets the writer finish what is queued, then closes the file and releases its lock.</summary>
    public void Dispose()
    {
        if (!_queue.Writer.TryComplete()) return;
        _writer.GetAwaiter().GetResult();
        foreach (var statement in new[] { _upsertCatalog, _setCounter, _upsertTicket, _upsertHistory, _upsertIdempotency, _deleteIdempotency, _upsertComment, _insertEvent, _keepEventTicket, _deleteEvents, _begin, _commit, _rollback })
            statement.Dispose();
        _connection.Dispose();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }

    /// <summary>
    /// A prepared statement reused for every write of its kind (parameters $1, $2, ... by position), run through
    /// SQLite's own API on the connection's handle: binding, stepping and resetting it allocates nothing, where a
    /// SqliteCommand makes a binder per parameter and a data reader per run, and a byte slice (an event's ticket, a
    /// part of the stored document) is bound without being copied to an array of its own first. Values bind as
    /// SqliteCommand binds them: strings as UTF-8 text (the same encoder, so the same bytes), integers as 64-bit, bytes as blobs.
    /// </summary>
    internal sealed class Statement : IDisposable
    {
        private readonly sqlite3 _database;
        private readonly sqlite3_stmt _statement;
        /// <summary>The UTF-8 of a text value being bound: the writer is the only caller, one value at a time.</summary>
        private byte[] _text = new byte[256];

        public Statement(SqliteConnection connection, string sql)
        {
            _database = connection.Handle!;
            SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_database, sql, out _statement), _database);
        }

        public void Run(object?[] values)
        {
            try
            {
                for (var i = 0; i < values.Length; i++) SqliteException.ThrowExceptionForRC(Bind(i + 1, values[i]), _database);
                var result = raw.sqlite3_step(_statement);
                if (result != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(result == raw.SQLITE_ROW ? raw.SQLITE_MISUSE : result, _database);
            }
            finally
            {
                raw.sqlite3_reset(_statement);
                raw.sqlite3_clear_bindings(_statement);
            }
        }

        private int Bind(int index, object? value)
        {
            switch (value)
            {
                case string text:
                    var length = Encoding.UTF8.GetMaxByteCount(text.Length);
                    if (_text.Length < length) _text = new byte[Math.Max(length, _text.Length * 2)];
                    return raw.sqlite3_bind_text(_statement, index, _text.AsSpan(0, Encoding.UTF8.GetBytes(text, _text)));
                case long number: return raw.sqlite3_bind_int64(_statement, index, number);
                case int number: return raw.sqlite3_bind_int64(_statement, index, number);
                case byte[] bytes: return raw.sqlite3_bind_blob(_statement, index, bytes);
                case ReadOnlyMemory<byte> bytes: return raw.sqlite3_bind_blob(_statement, index, bytes.Span);
                case null: return raw.sqlite3_bind_null(_statement, index);
                default: throw new ArgumentException($"No SQLite binding for a {value.GetType().Name}.", nameof(value));
            }
        }

        public void Dispose() => _statement.Dispose();
    }
}
