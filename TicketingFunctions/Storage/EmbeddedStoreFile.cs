using TicketingFunctions.Settings;
using Microsoft.Data.Sqlite;

namespace TicketingFunctions.Storage;

/// <summary>
/// The embedded store's SQLite file: one table per kind of document, each row keyed by tenant as Cosmos DB partitions
/// are (a later kind, such as events, is one more table). Every write is one transaction committed before the method
/// returns, so an acknowledged write survives the process being killed: WAL with <c>synchronous=NORMAL</c> hands each
/// commit to the operating system (a power loss may drop the last commits, never corrupt the file; see
/// docs/design.md). The connection takes the file's lock for itself (<c>locking_mode=EXCLUSIVE</c>): a second process
/// on the same folder fails at start instead of keeping an index that the other process's writes would make stale.
/// </summary>
internal sealed class EmbeddedStoreFile : IDisposable
{
    public const string FileName = "tickets.db";
    /// <summary>Bumped when a table changes shape; a file from a newer version is refused rather than misread.</summary>
    private const int SchemaVersion = 1;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS catalogs (tenant_id TEXT NOT NULL PRIMARY KEY, json BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS counters (tenant_id TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,
            PRIMARY KEY (tenant_id, name)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS tickets (tenant_id TEXT NOT NULL, object_id TEXT NOT NULL, id TEXT NOT NULL, etag TEXT NOT NULL,
            json BLOB NOT NULL, history_start INTEGER NOT NULL, PRIMARY KEY (tenant_id, object_id));
        CREATE TABLE IF NOT EXISTS history_archive (tenant_id TEXT NOT NULL, ticket_id TEXT NOT NULL, version INTEGER NOT NULL,
            json BLOB NOT NULL, PRIMARY KEY (tenant_id, ticket_id, version)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS idempotency (tenant_id TEXT NOT NULL, id TEXT NOT NULL, json BLOB NOT NULL,
            PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;
        """;

    /// <summary>The counter rows' names: the tenant-wide serial, the deletion sequence, and one per display-id prefix.</summary>
    public const string SerialCounter = "serial";
    public const string DeletionCounter = "deletions";
    public const string NumberCounterPrefix = "number:";

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private readonly Statement _upsertCatalog, _setCounter, _upsertTicket, _upsertHistory, _upsertIdempotency, _deleteIdempotency;

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

    /// <summary>Cheap proof that the file answers (for a readiness check): a read on the open connection.</summary>
    public void Ping()
    {
        lock (_gate) Scalar(_connection, "SELECT 1");
    }

    public void UpsertCatalog(string tenantId, byte[] json) => Commit(t => _upsertCatalog.Run(t, tenantId, json));

    public void SetCounter(string tenantId, string name, long value) => Commit(t => _setCounter.Run(t, tenantId, name, value));

    /// <summary>The serial and the prefix's number of one display id, together.</summary>
    public void SetDisplayCounters(string tenantId, long serial, string prefix, long number) => Commit(t =>
    {
        _setCounter.Run(t, tenantId, SerialCounter, serial);
        _setCounter.Run(t, tenantId, NumberCounterPrefix + prefix, number);
    });

    public void UpsertTicket(string tenantId, string objectId, string id, string etag, byte[] json, int historyStart) =>
        Commit(t => _upsertTicket.Run(t, tenantId, objectId, id, etag, json, historyStart));

    /// <summary>History entries of one ticket, all or none.</summary>
    public void UpsertHistory(string tenantId, string ticketId, IReadOnlyList<(int Version, byte[] Json)> entries) => Commit(t =>
    {
        foreach (var (version, json) in entries) _upsertHistory.Run(t, tenantId, ticketId, version, json);
    });

    public void UpsertIdempotency(string tenantId, string id, byte[] json) => Commit(t => _upsertIdempotency.Run(t, tenantId, id, json));

    public void DeleteIdempotency(string tenantId, string id) => Commit(t => _deleteIdempotency.Run(t, tenantId, id));

    /// <summary>
    /// One transaction, committed before it returns. A failure (disk full, file gone) rolls it back and is a
    /// <see cref="StoreUnavailableException"/>: the caller answers 503 and the in-memory state, updated only after a
    /// commit, still matches the file.
    /// </summary>
    private void Commit(Action<SqliteTransaction> write)
    {
        lock (_gate)
        {
            try
            {
                using var transaction = _connection.BeginTransaction();
                write(transaction);
                transaction.Commit();
            }
            catch (SqliteException ex)
            {
                throw new StoreUnavailableException($"The local data file could not be written (SQLite error {ex.SqliteErrorCode}).", TimeSpan.FromSeconds(1), ex);
            }
        }
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

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var statement in new[] { _upsertCatalog, _setCounter, _upsertTicket, _upsertHistory, _upsertIdempotency, _deleteIdempotency })
                statement.Dispose();
            _connection.Dispose();
        }
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>A prepared statement reused for every write of its kind (parameters $1, $2, ... by position).</summary>
    private sealed class Statement : IDisposable
    {
        private readonly SqliteCommand _command;

        public Statement(SqliteConnection connection, string sql)
        {
            _command = connection.CreateCommand();
            _command.CommandText = sql;
            for (var i = 1; sql.Contains($"${i}", StringComparison.Ordinal); i++) _command.Parameters.Add(new SqliteParameter($"${i}", null));
        }

        public void Run(SqliteTransaction transaction, params object[] values)
        {
            _command.Transaction = transaction;
            for (var i = 0; i < values.Length; i++) _command.Parameters[i].Value = values[i];
            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }
}
