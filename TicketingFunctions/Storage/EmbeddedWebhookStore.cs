using System.Text.Json;
using Microsoft.Data.Sqlite;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Storage;

/// <summary>
/// The webhook subscriptions of the embedded store, in their own SQLite file beside the tickets' (<c>webhooks.db</c>
/// in the local data folder): a table keyed by tenant and id, as Cosmos DB partitions them, each row the subscription's
/// JSON and the row's version for compare-and-swap. Few rows and few writes (admin changes and delivery progress), so
/// one connection behind a gate, each write committed before it returns.
/// </summary>
public sealed class EmbeddedWebhookStore : IWebhookStore, IDisposable
{
    public const string FileName = "webhooks.db";

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public EmbeddedWebhookStore(string dataFolder)
    {
        Directory.CreateDirectory(dataFolder);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataFolder, FileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 1,
        }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS webhooks (tenant_id TEXT NOT NULL, id TEXT NOT NULL, created_at TEXT NOT NULL,
                store_etag TEXT NOT NULL, json BLOB NOT NULL, PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS webhook_attempts (tenant_id TEXT NOT NULL, webhook_id TEXT NOT NULL, id TEXT NOT NULL,
                event_id TEXT NOT NULL, json BLOB NOT NULL, PRIMARY KEY (tenant_id, webhook_id, id)) WITHOUT ROWID;
            """);
    }

    public Task<StoredWebhook> CreateWebhookAsync(WebhookSubscription subscription, CancellationToken cancellationToken) =>
        WithGateAsync(() =>
        {
            var etag = NewEtag();
            Execute("INSERT INTO webhooks VALUES ($1, $2, $3, $4, $5)",
                subscription.TenantId, subscription.Id, subscription.CreatedAt, etag, Json(subscription));
            return new StoredWebhook(subscription, etag);
        }, cancellationToken);

    public Task<StoredWebhook?> GetWebhookAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        WithGateAsync(() => Query("SELECT json, store_etag FROM webhooks WHERE tenant_id = $1 AND id = $2", tenantId, id).FirstOrDefault(), cancellationToken);

    public Task<IReadOnlyList<StoredWebhook>> ListWebhooksAsync(string tenantId, CancellationToken cancellationToken) =>
        WithGateAsync<IReadOnlyList<StoredWebhook>>(() =>
            Query("SELECT json, store_etag FROM webhooks WHERE tenant_id = $1 ORDER BY created_at, id", tenantId), cancellationToken);

    public Task<StoredWebhook> ReplaceWebhookAsync(WebhookSubscription subscription, string storeEtag, CancellationToken cancellationToken) =>
        WithGateAsync(() =>
        {
            var etag = NewEtag();
            var changed = Execute("UPDATE webhooks SET store_etag = $1, json = $2 WHERE tenant_id = $3 AND id = $4 AND store_etag = $5",
                etag, Json(subscription), subscription.TenantId, subscription.Id, storeEtag);
            if (changed == 0) throw new EtagMismatchException($"Webhook subscription {subscription.Id} changed or is gone.");
            return new StoredWebhook(subscription, etag);
        }, cancellationToken);

    public Task<bool> DeleteWebhookAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        WithGateAsync(() => Execute("DELETE FROM webhooks WHERE tenant_id = $1 AND id = $2", tenantId, id) > 0, cancellationToken);

    /// <summary>One transaction for all of them: one commit however many attempts a page of deliveries made.</summary>
    public Task AppendAttemptsAsync(IReadOnlyList<WebhookAttempt> attempts, CancellationToken cancellationToken) =>
        attempts.Count == 0 ? Task.CompletedTask : WithGateAsync(() =>
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO webhook_attempts VALUES ($1, $2, $3, $4, $5)";
            var values = new SqliteParameter[5];
            for (var i = 0; i < values.Length; i++) values[i] = command.Parameters.Add($"${i + 1}", i == 4 ? SqliteType.Blob : SqliteType.Text);
            command.Prepare();
            foreach (var attempt in attempts)
            {
                values[0].Value = attempt.TenantId;
                values[1].Value = attempt.WebhookId;
                values[2].Value = attempt.Id;
                values[3].Value = attempt.EventId;
                values[4].Value = JsonSerializer.SerializeToUtf8Bytes(attempt, WebhookJsonContext.Default.WebhookAttempt);
                command.ExecuteNonQuery();
            }
            transaction.Commit();
            return true;
        }, cancellationToken);

    public Task<WebhookAttemptPage> ListAttemptsAsync(string tenantId, string webhookId, string? eventId, string? before, int limit, CancellationToken cancellationToken) =>
        WithGateAsync(() =>
        {
            using var command = Command($"""
                SELECT json FROM webhook_attempts WHERE tenant_id = $1 AND webhook_id = $2 AND id < $3
                {(eventId is null ? "" : "AND event_id = $5")} ORDER BY id DESC LIMIT $4
                """, eventId is null ? [tenantId, webhookId, before ?? "~", limit + 1] : [tenantId, webhookId, before ?? "~", limit + 1, eventId]);
            using var reader = command.ExecuteReader();
            var found = new List<WebhookAttempt>();
            while (reader.Read()) found.Add(JsonSerializer.Deserialize((byte[])reader.GetValue(0), WebhookJsonContext.Default.WebhookAttempt)!);
            var more = found.Count > limit;
            if (more) found.RemoveAt(found.Count - 1);
            return new WebhookAttemptPage(found, more ? found[^1].Id : null);
        }, cancellationToken);

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    private static string NewEtag() => Guid.NewGuid().ToString("N");

    private static byte[] Json(WebhookSubscription subscription) =>
        JsonSerializer.SerializeToUtf8Bytes(subscription, WebhookJsonContext.Default.WebhookSubscription);

    private async Task<T> WithGateAsync<T>(Func<T> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return action();
        }
        catch (SqliteException ex)
        {
            throw new StoreUnavailableException($"The local webhooks file could not be used (SQLite error {ex.SqliteErrorCode}).", TimeSpan.FromSeconds(1), ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    private int Execute(string sql, params object[] values)
    {
        using var command = Command(sql, values);
        return command.ExecuteNonQuery();
    }

    private List<StoredWebhook> Query(string sql, params object[] values)
    {
        using var command = Command(sql, values);
        using var reader = command.ExecuteReader();
        var found = new List<StoredWebhook>();
        while (reader.Read())
            found.Add(new StoredWebhook(JsonSerializer.Deserialize((byte[])reader.GetValue(0), WebhookJsonContext.Default.WebhookSubscription)!, reader.GetString(1)));
        return found;
    }

    private SqliteCommand Command(string sql, object[] values)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++) command.Parameters.AddWithValue($"${i + 1}", values[i]);
        return command;
    }
}
