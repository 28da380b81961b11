using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Storage;

/// <summary>
/// The store used when no Cosmos DB endpoint is configured: durable, in one SQLite file of the local data folder
/// (<see cref="EmbeddedStoreFile"/>), with the Cosmos store's semantics: tenant partitions, atomic counters and
/// compare-and-swap on the ticket etag. Every write is committed to the file before its task completes, and only then
/// applied to the in-memory partitions that serve every read; at start the partitions are rebuilt from the file.
/// Writes are queued to the file's one writer, which commits those of concurrent requests together (group commit), so
/// a request waits for a commit without holding a thread or a lock. A create is one commit: the ticket, the display
/// counters it advanced and, when it came with an Idempotency-Key, the key's completed record, all or none. Tickets are
/// kept as UTF-8 JSON documents, as a document store keeps them, and the file holds the same bytes: a read is always a
/// fresh copy, a listing copies the stored JSON, and a stored ticket is one array the garbage collector need not trace
/// (an object graph per ticket made collections cost more as the store grew).
/// </summary>
public sealed partial class EmbeddedTicketStore : ITicketStore, ITicketEventStore, IDisposable
{
    private readonly ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private readonly EmbeddedStoreFile _file;
    private int _disposed;

    private static readonly JsonTypeInfo<IdempotencyRecord> IdempotencyJson =
        (JsonTypeInfo<IdempotencyRecord>)StoreJson.Options.GetTypeInfo(typeof(IdempotencyRecord));
    private static readonly JsonTypeInfo<TicketHistoryEntry> HistoryEntryJson =
        (JsonTypeInfo<TicketHistoryEntry>)StoreJson.Options.GetTypeInfo(typeof(TicketHistoryEntry));

    /// <summary>Opens the store in <paramref name="dataFolder"/> (created if missing) and loads everything it holds.</summary>
    public EmbeddedTicketStore(string dataFolder)
    {
        _file = EmbeddedStoreFile.Open(Path.Combine(dataFolder, EmbeddedStoreFile.FileName));
        try
        {
            Load();
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    /// <summary>A read on the file's connection: proof for a readiness check that the store answers.</summary>
    public Task PingAsync() => _file.PingAsync();

    /// <summary>Writes the display counters no create has carried to the file yet (numbers handed out last), then closes it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            var batch = new EmbeddedStoreFile.Batch();
            foreach (var (tenantId, p) in _partitions)
                lock (p.Gate) UnsavedCounters(tenantId, p, batch);
            _file.WriteAsync(batch, null).GetAwaiter().GetResult();
        }
        finally
        {
            _file.Dispose();
        }
    }

    /// <summary>True while a store (of any process) holds <paramref name="dataFolder"/>, whose data must then not be deleted.</summary>
    public static bool IsInUse(string dataFolder) => EmbeddedStoreFile.IsInUse(Path.Combine(dataFolder, EmbeddedStoreFile.FileName));

    /// <summary>Rebuilds the partitions and their listing indexes from the file, once, before the store is used.</summary>
    private void Load()
    {
        foreach (var row in _file.ReadAll("catalogs", "tenant_id, json"))
            For(row.GetString(0)).Catalog = JsonSerializer.Deserialize(EmbeddedStoreFile.PinnedBytes(row, 1), CatalogJsonContext.Default.TenantCatalog);
        foreach (var row in _file.ReadAll("counters", "tenant_id, name, value"))
        {
            var p = For(row.GetString(0));
            var (name, value) = (row.GetString(1), row.GetInt64(2));
            if (name == EmbeddedStoreFile.SerialCounter) p.Serial = value;
            else if (name == EmbeddedStoreFile.DeletionCounter) p.Deletions = value;
            else if (name == EmbeddedStoreFile.EventCounter) p.EventPosition = value;
            else if (name.StartsWith(EmbeddedStoreFile.NumberCounterPrefix, StringComparison.Ordinal))
                p.Numbers[name[EmbeddedStoreFile.NumberCounterPrefix.Length..]] = value;
        }
        foreach (var row in _file.ReadAll("tickets", "tenant_id, object_id, id, etag, json, history_start"))
        {
            var p = For(row.GetString(0));
            var json = EmbeddedStoreFile.PinnedBytes(row, 4);
            var stored = new StoredTicket(row.GetString(2), row.GetString(3), json, row.GetInt32(5));
            stored = stored with { ConversationKey = TicketConversation.Key(stored.ReadListed(data: false)) };
            p.TicketIds.Add(stored.Id);
            p.TicketsByObjectId[row.GetString(1)] = stored;
            p.Listing.Put(stored.Id, TicketField.ValuesOf(stored.ReadListed(data: true)), stored);
        }
        foreach (var row in _file.ReadAll("history_archive", "tenant_id, ticket_id, version, json"))
        {
            var p = For(row.GetString(0));
            var ticketId = row.GetString(1);
            if (!p.HistoryArchive.TryGetValue(ticketId, out var archive))
                p.HistoryArchive[ticketId] = archive = new SortedDictionary<int, TicketHistoryEntry>();
            archive[row.GetInt32(2)] = JsonSerializer.Deserialize((byte[])row.GetValue(3), HistoryEntryJson)!;
        }
        foreach (var row in _file.ReadAll("comments", "tenant_id, json"))
            For(row.GetString(0)).Comments.Put(JsonSerializer.Deserialize((byte[])row.GetValue(1), CommentJson)!);
        foreach (var row in _file.ReadAll("events ORDER BY tenant_id, position", "tenant_id, position, json, ticket"))
        {
            var p = For(row.GetString(0));
            var header = JsonSerializer.Deserialize((byte[])row.GetValue(2), TicketJsonContext.Default.TicketEvent)! with { Position = row.GetInt64(1) };
            p.Events.Add(new StoredTicketEvent(header, row.IsDBNull(3) ? SharedRow(row.GetString(0), p, header) : EmbeddedStoreFile.PinnedBytes(row, 3)));
            if (header.Type is TicketEventTypes.SlaBreached or TicketEventTypes.WebhookDisabled) p.BreachIds.Add(header.Id);
            p.EventPosition = Math.Max(p.EventPosition, header.Position);
        }
        foreach (var row in _file.ReadAll("idempotency", "tenant_id, json"))
        {
            var record = JsonSerializer.Deserialize((byte[])row.GetValue(1), IdempotencyJson)!;
            For(row.GetString(0)).Idempotency[record.Id] = record;
        }
    }

    /// <summary>
    /// The revision of an event that shares its ticket's row (its own <c>ticket</c> is NULL): the row's, which no write
    /// has changed since, or the write would have given the event its own copy first (<see cref="KeepSharedRevisions"/>).
    /// </summary>
    private static ReadOnlyMemory<byte> SharedRow(string tenantId, Partition p, TicketEvent header)
    {
        if (!p.TicketsByObjectId.TryGetValue(header.ObjectId, out var stored) || stored.Id != header.TicketId)
            throw new InvalidDataException($"The local data file is inconsistent: event {header.Position} of tenant {tenantId} shares the row of ticket {header.ObjectId}, which does not hold ticket {header.TicketId}.");
        p.SharingEvents(header.ObjectId).Add(header.Position);
        return stored.Json.AsMemory(0, stored.HistoryStart);
    }

    /// <summary>
    /// Before a write of an existing ticket's row: gives the events that share the row in the file their own copy of
    /// the revision they tell of, in the same commit and before the row changes (the batch's earlier rows). The
    /// returned action, run after the commit, forgets them; a failed commit leaves them for the next write of the row.
    /// Positions are listed when their write is queued, in position order, so every event sharing the row in the file
    /// (or queued before this write) is among them; one that is not there (pruned, or its write failed) changes nothing.
    /// </summary>
    private static Action? KeepSharedRevisions(string tenantId, string objectId, Partition p, EmbeddedStoreFile.Batch batch)
    {
        if (!p.RowSharingEvents.TryGetValue(objectId, out var positions) || positions.Count == 0) return null;
        foreach (var position in positions) batch.KeepEventTicket(tenantId, objectId, position);
        var last = positions[^1];
        return () =>
        {
            if (!p.RowSharingEvents.TryGetValue(objectId, out var left)) return;
            left.RemoveAll(position => position <= last);
            if (left.Count == 0) p.RowSharingEvents.Remove(objectId);
        };
    }

    /// <summary>The most tickets one listing page examines; a page with a rarely matching filter ends there, with a position.</summary>
    public const int MaxExaminedPerPage = EmbeddedTicketIndex<object>.MaxExaminedPerPage;

    /// <summary>In the process's memory: always there while the process is.</summary>
    public Task CheckReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private sealed class Partition
    {
        public readonly object Gate = new();
        public TenantCatalog? Catalog;
        public long Serial;
        public long Deletions;
        public readonly Dictionary<string, long> Numbers = new(StringComparer.Ordinal);
        public readonly Dictionary<string, StoredTicket> TicketsByObjectId = new(StringComparer.Ordinal);
        public readonly HashSet<string> TicketIds = new(StringComparer.Ordinal);
        /// <summary>Archived history per ticket id, by version.</summary>
        public readonly Dictionary<string, SortedDictionary<int, TicketHistoryEntry>> HistoryArchive = new(StringComparer.Ordinal);
        public readonly Dictionary<string, IdempotencyRecord> Idempotency = new(StringComparer.Ordinal);
        public readonly CommentIndex Comments = new();
        public readonly HashSet<string> WritingCommentIds = new(StringComparer.Ordinal);
        /// <summary>Replaces on their way to the file, by display id: a comment's write of the ticket waits for them.</summary>
        public readonly Dictionary<string, Task> TicketWrites = new(StringComparer.Ordinal);
        /// <summary>Tickets whose comment-written values are on their way to the file: a write of such a ticket waits for it.</summary>
        public readonly Dictionary<string, Task> ConversationWrites = new(StringComparer.Ordinal);
        /// <summary>Display ids and ticket ids of creates and replaces queued to the file: a second write of one of them is refused meanwhile.</summary>
        public readonly HashSet<string> WritingObjectIds = new(StringComparer.Ordinal), CreatingIds = new(StringComparer.Ordinal);
        /// <summary>Counter rows whose value in memory is ahead of the file's: written with the next create (or at dispose).</summary>
        public readonly HashSet<string> UnsavedCounters = new(StringComparer.Ordinal);
        /// <summary>The tenant's event feed in position order, as committed (appended after each commit, in commit order).</summary>
        public readonly List<StoredTicketEvent> Events = [];
        /// <summary>The last feed position given (queued to the file); positions are given in the order writes are queued.</summary>
        public long EventPosition;
        /// <summary>Ids of the breach (and webhook.disabled) events in the feed: recording one again records nothing.</summary>
        public readonly HashSet<string> BreachIds = new(StringComparer.Ordinal);
        /// <summary>
        /// By display id: the positions of the events whose row in the file holds no revision of its own but shares the
        /// ticket's row (written in the same commit as the row: <see cref="EmbeddedStoreFile.Batch.Event"/>), in
        /// position order, from when their write is queued until a committed write of the row has given them a copy.
        /// </summary>
        public readonly Dictionary<string, List<long>> RowSharingEvents = new(StringComparer.Ordinal);

        public List<long> SharingEvents(string objectId)
        {
            if (!RowSharingEvents.TryGetValue(objectId, out var positions)) RowSharingEvents[objectId] = positions = [];
            return positions;
        }

        public long CounterValue(string name) => name == EmbeddedStoreFile.SerialCounter
            ? Serial
            : Numbers.GetValueOrDefault(name[EmbeddedStoreFile.NumberCounterPrefix.Length..]);
        /// <summary>The tenant's tickets in listing order; written under <see cref="Gate"/>, read without it.</summary>
        public readonly EmbeddedTicketIndex<StoredTicket> Listing = new();
    }

    /// <summary>
    /// A ticket document: the ticket's JSON and then its history's, in one array, with the two values writes compare
    /// without parsing it. Two documents rather than one with a <c>change_history</c> member (as the Cosmos DB store
    /// writes, through <see cref="StoreJson"/>) because the ticket's own source-generated serializer, the fast one,
    /// knows nothing of its history: it is <c>[JsonIgnore]</c> so that no response can show it.
    /// </summary>
    private sealed record StoredTicket(string Id, string Etag, byte[] Json, int HistoryStart)
    {
        /// <summary>The values comments wrote (<see cref="TicketConversation.Key"/>): a replace carries them over when they differ from its own.</summary>
        public string ConversationKey { get; init; } = "";

        private ListedTicketJson? _listed;

        /// <summary>The ticket's JSON for listings: found at its first listing, then kept with this revision (which never changes).</summary>
        public ListedTicketJson Listed => _listed ??= ListedTicketJson.Of(Json.AsMemory(0, HistoryStart));

        [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
        [ThreadStatic] private static Utf8JsonWriter? t_writer;

        public static StoredTicket From(Ticket ticket)
        {
            // As in Cosmos DB (StoreJson): an SLA's state depends on when it is read, so it is never stored.
            if (ticket.Slas.Any(s => s.State is not null)) ticket = ticket with { Slas = [.. ticket.Slas.Select(s => s with { State = null })] };
            var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
            buffer.ResetWrittenCount();
            int historyStart;
            // The thread's writer, reset onto its buffer: not a writer per document.
            var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = TicketJsonContext.Encoder, SkipValidation = true });
            writer.Reset(buffer);
            JsonSerializer.Serialize(writer, ticket, TicketJsonContext.Default.Ticket);
            writer.Flush();
            historyStart = buffer.WrittenCount;
            writer.Reset();   // a second root value, not a sibling
            JsonSerializer.Serialize(writer, ticket.History, TicketJsonContext.Default.IReadOnlyListTicketHistoryEntry);
            if (ticket.MovedFrom.Count > 0 || ticket.MovedByKey is not null)
            {
                // A third root only for a ticket a move touched: what it stores and no response shows.
                writer.Flush();
                writer.Reset();
                writer.WriteStartObject();
                writer.WriteStartArray(StoreJson.MovedFromProperty);
                foreach (var id in ticket.MovedFrom) writer.WriteStringValue(id);
                writer.WriteEndArray();
                if (ticket.MovedByKey is not null) writer.WriteString(StoreJson.MovedByKeyProperty, ticket.MovedByKey);
                writer.WriteEndObject();
            }
            writer.Flush();
            // On the pinned object heap, which only full collections visit: the young collections that run many times
            // a second under load never copy the store's documents, which were most of what they had to move.
            var json = GC.AllocateUninitializedArray<byte>(buffer.WrittenCount, pinned: true);
            buffer.WrittenSpan.CopyTo(json);
            if (buffer.Capacity > 64 * 1024) (t_buffer, t_writer) = (null, null);   // don't keep a rare huge buffer per thread
            return new StoredTicket(ticket.Id, ticket.Etag, json, historyStart) { ConversationKey = TicketConversation.Key(ticket) };
        }

        /// <summary>The ticket without its history, and with an empty <c>data</c> unless <paramref name="data"/>: as listings answer it.</summary>
        public Ticket ReadListed(bool data) => data
            ? JsonSerializer.Deserialize(Json.AsSpan(0, HistoryStart), TicketJsonContext.Default.Ticket)!
            : TicketWithoutData.Read(Json.AsSpan(0, HistoryStart));

        public Ticket Read()
        {
            var ticket = JsonSerializer.Deserialize(Json.AsSpan(0, HistoryStart), TicketJsonContext.Default.Ticket)!;
            var reader = new Utf8JsonReader(Json.AsSpan(HistoryStart), new JsonReaderOptions { AllowMultipleValues = true });
            var history = JsonSerializer.Deserialize(ref reader, TicketJsonContext.Default.IReadOnlyListTicketHistoryEntry)!;
            if (!reader.Read()) return ticket with { History = history };
            List<string> movedFrom = [];
            string? movedByKey = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(StoreJson.MovedFromProperty))
                {
                    reader.Read();
                    while (reader.Read() && reader.TokenType == JsonTokenType.String) movedFrom.Add(reader.GetString()!);
                }
                else if (reader.ValueTextEquals(StoreJson.MovedByKeyProperty))
                {
                    reader.Read();
                    movedByKey = reader.GetString();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return ticket with { History = history, MovedFrom = movedFrom, MovedByKey = movedByKey };
        }
    }

    private Partition For(string tenantId) => _partitions.GetOrAdd(tenantId, static _ => new Partition());

    public Task<TenantCatalog?> GetCatalogAsync(string tenantId, CancellationToken cancellationToken)
    {
        return Task.FromResult(_partitions.TryGetValue(tenantId, out var p) ? Volatile.Read(ref p.Catalog) : null);
    }

    public Task UpsertCatalogAsync(TenantCatalog catalog, CancellationToken cancellationToken)
    {
        var p = For(catalog.TenantId);
        var batch = new EmbeddedStoreFile.Batch().Catalog(catalog.TenantId, JsonSerializer.SerializeToUtf8Bytes(catalog, CatalogJsonContext.Default.TenantCatalog));
        lock (p.Gate)   // queued in the order of memory: the last upsert wins in both
            return _file.WriteAsync(batch, () => Volatile.Write(ref p.Catalog, catalog));
    }

    public Task<DisplayNumber> NextDisplayNumberAsync(string tenantId, string prefix, CancellationToken cancellationToken)
    {
        var p = For(tenantId);
        lock (p.Gate)
        {
            p.Numbers.TryGetValue(prefix, out var number);
            var next = new DisplayNumber(p.Serial + 1, number + 1);
            // Written to the file with the ticket that uses the number (CreateTicketAsync), in its commit: a number
            // reaches a caller only in a created ticket, so after a crash the file's counters are past every display
            // id anyone was given. A number whose ticket was never committed may be given again; nobody saw it.
            p.Numbers[prefix] = next.Number;
            p.Serial = next.Serial;
            p.UnsavedCounters.Add(EmbeddedStoreFile.SerialCounter);
            p.UnsavedCounters.Add(EmbeddedStoreFile.NumberCounterPrefix + prefix);
            return Task.FromResult(next);
        }
    }

    /// <summary>Adds the rows of the counters ahead of the file to <paramref name="batch"/>; the returned action, run after its commit, marks them saved.</summary>
    private static Action? UnsavedCounters(string tenantId, Partition p, EmbeddedStoreFile.Batch batch)
    {
        if (p.UnsavedCounters.Count == 0) return null;
        var written = new (string Name, long Value)[p.UnsavedCounters.Count];
        var i = 0;
        foreach (var name in p.UnsavedCounters)
        {
            written[i++] = (name, p.CounterValue(name));
            batch.Counter(tenantId, name, p.CounterValue(name));
        }
        // Unsaved until a commit carries them: a failed batch leaves them for the next create to write.
        return () =>
        {
            foreach (var (name, value) in written)
                if (p.CounterValue(name) == value) p.UnsavedCounters.Remove(name);
        };
    }

    public Task<long> NextDeletionSeqAsync(string tenantId, CancellationToken cancellationToken)
    {
        var p = For(tenantId);
        long next;
        Task written;
        lock (p.Gate)
        {
            // Taken now (a failed write leaves a gap, never a repeat), queued in order, handed out once committed.
            next = ++p.Deletions;
            written = _file.WriteAsync(new EmbeddedStoreFile.Batch().Counter(tenantId, EmbeddedStoreFile.DeletionCounter, next), null);
        }
        return Handed(written, next);

        static async Task<long> Handed(Task written, long value)
        {
            await written;
            return value;
        }
    }

    public Task CreateTicketAsync(Ticket ticket, CancellationToken cancellationToken) => CreateAsync(ticket, null);

    /// <summary>The ticket and its key's completed record in one commit: after a crash both are in the file or neither.</summary>
    public Task CreateTicketWithKeyAsync(Ticket ticket, IdempotencyRecord completedKey, CancellationToken cancellationToken)
    {
        if (completedKey.TenantId != ticket.TenantId) throw new ArgumentException("The key's record belongs to another tenant.", nameof(completedKey));
        return CreateAsync(ticket, completedKey);
    }

    private async Task CreateAsync(Ticket ticket, IdempotencyRecord? completedKey)
    {
        var p = For(ticket.TenantId);
        var stored = StoredTicket.From(ticket);   // outside the lock
        var listed = TicketField.ValuesOf(ticket);
        var batch = new EmbeddedStoreFile.Batch().Ticket(ticket.TenantId, ticket.ObjectId, stored.Id, stored.Etag, stored.Json, stored.HistoryStart);
        var events = EventRows.Of(ticket, stored, created: true, sharesRow: true);
        if (completedKey is not null) batch.Idempotency(completedKey.TenantId, completedKey.Id, JsonSerializer.SerializeToUtf8Bytes(completedKey, IdempotencyJson));
        Task written;
        lock (p.Gate)
        {
            if (p.TicketIds.Contains(ticket.Id) || p.TicketsByObjectId.ContainsKey(ticket.ObjectId)
                || p.CreatingIds.Contains(ticket.Id) || p.WritingObjectIds.Contains(ticket.ObjectId))
                throw new TicketConflictException($"Ticket {ticket.ObjectId} already exists.");
            p.CreatingIds.Add(ticket.Id);
            p.WritingObjectIds.Add(ticket.ObjectId);
            var countersSaved = UnsavedCounters(ticket.TenantId, p, batch);
            var feed = events.Queue(ticket.TenantId, p, batch);   // sharing the row the batch creates
            written = _file.WriteAsync(batch, () =>
            {
                lock (p.Gate)
                {
                    countersSaved?.Invoke();
                    p.Events.AddRange(feed);
                    p.TicketIds.Add(ticket.Id);
                    p.TicketsByObjectId.Add(ticket.ObjectId, stored);
                    p.Listing.Put(ticket.Id, listed, stored);
                    if (completedKey is not null) p.Idempotency[completedKey.Id] = completedKey;
                    p.CreatingIds.Remove(ticket.Id);
                    p.WritingObjectIds.Remove(ticket.ObjectId);
                }
            });
        }
        try
        {
            await written;
        }
        catch
        {
            lock (p.Gate)
            {
                p.CreatingIds.Remove(ticket.Id);
                p.WritingObjectIds.Remove(ticket.ObjectId);
            }
            throw;
        }
    }

    public Task<Ticket?> GetTicketAsync(string tenantId, string objectId, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(tenantId, out var p)) return Task.FromResult<Ticket?>(null);
        StoredTicket? stored;
        lock (p.Gate) stored = p.TicketsByObjectId.GetValueOrDefault(objectId);
        // Parsed per read: callers editing the ticket they read can't change what is stored.
        return Task.FromResult(stored?.Read());
    }

    public async Task ReplaceTicketAsync(Ticket ticket, string expectedEtag, CancellationToken cancellationToken)
    {
        var p = For(ticket.TenantId);
        var stored = StoredTicket.From(ticket);
        Task written;
        while (true)
        {
            lock (p.Gate)
            {
                if (!p.TicketsByObjectId.TryGetValue(ticket.ObjectId, out var current) || current.Id != ticket.Id)
                    throw new EtagMismatchException($"Ticket {ticket.ObjectId} does not exist.");
                // A write of this ticket still on its way to the file will change its etag: whoever expects the current one lost.
                if (!string.Equals(current.Etag, expectedEtag, StringComparison.Ordinal) || p.WritingObjectIds.Contains(ticket.ObjectId))
                    throw new EtagMismatchException($"Ticket {ticket.ObjectId} was changed by someone else.");
                // A comment's values on their way to the file don't change the etag: wait for them, then carry them over.
                if (p.ConversationWrites.TryGetValue(ticket.ObjectId, out var commenting)) written = commenting;
                else
                {
                    if (current.ConversationKey != stored.ConversationKey)
                    {
                        ticket = TicketConversation.CarryOver(current.Read(), ticket);
                        stored = StoredTicket.From(ticket);
                    }
                    var (saved, listed) = (stored, TicketField.ValuesOf(ticket));
                    var batch = new EmbeddedStoreFile.Batch();
                    var kept = KeepSharedRevisions(ticket.TenantId, ticket.ObjectId, p, batch);
                    batch.Ticket(ticket.TenantId, ticket.ObjectId, saved.Id, saved.Etag, saved.Json, saved.HistoryStart);
                    // The revision's events, of the ticket as written (comment values carried over), in the same commit.
                    var feed = EventRows.Of(ticket, saved, created: false, sharesRow: true).Queue(ticket.TenantId, p, batch);
                    p.WritingObjectIds.Add(ticket.ObjectId);
                    var objectId = ticket.ObjectId;
                    var id = ticket.Id;
                    written = _file.WriteAsync(batch, () =>
                    {
                        lock (p.Gate)
                        {
                            kept?.Invoke();
                            p.Events.AddRange(feed);
                            p.TicketsByObjectId[objectId] = saved;
                            p.Listing.Put(id, listed, saved);
                            p.WritingObjectIds.Remove(objectId);
                            p.TicketWrites.Remove(objectId);
                        }
                    });
                    written = Settled(written, p, objectId);
                    p.TicketWrites[objectId] = written;
                    break;
                }
            }
            try { await written; } catch { /* the comment's own caller hears of its failure; this write reads the store again */ }
        }
        await written;

        static async Task Settled(Task written, Partition p, string objectId)
        {
            try
            {
                await written;
            }
            catch
            {
                lock (p.Gate)
                {
                    p.WritingObjectIds.Remove(objectId);
                    p.TicketWrites.Remove(objectId);
                }
                throw;
            }
        }
    }

    /// <summary>The tombstone, the successor, the counters it advanced and the key's record: one commit, all or none.</summary>
    public Task MoveTicketAsync(Ticket tombstone, string expectedEtag, Ticket successor, IdempotencyRecord? completedKey, CancellationToken cancellationToken)
    {
        if (tombstone.MovedTo != successor.ObjectId || tombstone.TenantId != successor.TenantId)
            throw new ArgumentException("The tombstone must name its successor, in its tenant.", nameof(tombstone));
        if (completedKey is not null && completedKey.TenantId != tombstone.TenantId)
            throw new ArgumentException("The key's record belongs to another tenant.", nameof(completedKey));
        var p = For(tombstone.TenantId);
        var (old, created) = (StoredTicket.From(tombstone), StoredTicket.From(successor));
        var (oldListed, createdListed) = (TicketField.ValuesOf(tombstone), TicketField.ValuesOf(successor));
        var keyJson = completedKey is null ? null : JsonSerializer.SerializeToUtf8Bytes(completedKey, IdempotencyJson);
        // Both revisions' events (TicketEvents.Of: the successor's ticket.moved; the tombstone's none) in the same commit.
        var (oldEvents, createdEvents) = (EventRows.Of(tombstone, old, created: false, sharesRow: true), EventRows.Of(successor, created, created: false, sharesRow: true));
        var batch = new EmbeddedStoreFile.Batch();
        Task written;
        lock (p.Gate)
        {
            if (!p.TicketsByObjectId.TryGetValue(tombstone.ObjectId, out var current) || current.Id != tombstone.Id)
                throw new EtagMismatchException($"Ticket {tombstone.ObjectId} does not exist.");
            if (!string.Equals(current.Etag, expectedEtag, StringComparison.Ordinal) || p.WritingObjectIds.Contains(tombstone.ObjectId))
                throw new EtagMismatchException($"Ticket {tombstone.ObjectId} was changed by someone else.");
            if (p.TicketIds.Contains(successor.Id) || p.TicketsByObjectId.ContainsKey(successor.ObjectId)
                || p.CreatingIds.Contains(successor.Id) || p.WritingObjectIds.Contains(successor.ObjectId))
                throw new TicketConflictException($"Ticket {successor.ObjectId} already exists.");
            p.WritingObjectIds.Add(tombstone.ObjectId);
            p.WritingObjectIds.Add(successor.ObjectId);
            p.CreatingIds.Add(successor.Id);
            var kept = KeepSharedRevisions(tombstone.TenantId, tombstone.ObjectId, p, batch);
            batch.Ticket(tombstone.TenantId, tombstone.ObjectId, old.Id, old.Etag, old.Json, old.HistoryStart)
                .Ticket(successor.TenantId, successor.ObjectId, created.Id, created.Etag, created.Json, created.HistoryStart);
            if (completedKey is not null) batch.Idempotency(completedKey.TenantId, completedKey.Id, keyJson!);
            var countersSaved = UnsavedCounters(successor.TenantId, p, batch);
            StoredTicketEvent[] feed = [.. oldEvents.Queue(tombstone.TenantId, p, batch), .. createdEvents.Queue(successor.TenantId, p, batch)];
            written = _file.WriteAsync(batch, () =>
            {
                lock (p.Gate)
                {
                    kept?.Invoke();
                    countersSaved?.Invoke();
                    p.Events.AddRange(feed);
                    p.TicketsByObjectId[tombstone.ObjectId] = old;
                    p.Listing.Put(tombstone.Id, oldListed, old);
                    p.TicketIds.Add(successor.Id);
                    p.TicketsByObjectId.Add(successor.ObjectId, created);
                    p.Listing.Put(successor.Id, createdListed, created);
                    if (completedKey is not null) p.Idempotency[completedKey.Id] = completedKey;
                    Settle(p, tombstone.ObjectId, successor);
                }
            });
        }
        return Moved(written, p, tombstone.ObjectId, successor);

        static void Settle(Partition p, string objectId, Ticket successor)
        {
            p.WritingObjectIds.Remove(objectId);
            p.WritingObjectIds.Remove(successor.ObjectId);
            p.CreatingIds.Remove(successor.Id);
        }

        static async Task Moved(Task written, Partition p, string objectId, Ticket successor)
        {
            try
            {
                await written;
            }
            catch
            {
                lock (p.Gate) Settle(p, objectId, successor);
                throw;
            }
        }
    }

    /// <summary>A page from the tenant's own ordered index: no other tenant's tickets are looked at, nothing is sorted.</summary>
    public Task<TicketPage> ListTicketsAsync(TicketListQuery query, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(query.TenantId, out var p)) return Task.FromResult(new TicketPage([], null));
        var (documents, next) = p.Listing.Page(query);
        var json = new ListedTicketJson[documents.Count];
        var clocks = false;
        for (var i = 0; i < json.Length; i++) clocks |= (json[i] = documents[i].Listed).HasClocks;
        if (!clocks) return Task.FromResult(new TicketPage(new ParsedOnRead(documents, query.IncludeData), next) { StoredJson = json });

        var tickets = new Ticket[documents.Count];
        for (var i = 0; i < tickets.Length; i++) tickets[i] = documents[i].ReadListed(query.IncludeData);
        return Task.FromResult(new TicketPage(tickets, next));
    }

    /// <summary>A page's tickets, each parsed when it is read: the API writes the page's JSON and reads none of them.</summary>
    private sealed class ParsedOnRead(IReadOnlyList<StoredTicket> documents, bool data) : IReadOnlyList<Ticket>
    {
        public Ticket this[int index] => documents[index].ReadListed(data);
        public int Count => documents.Count;
        public IEnumerator<Ticket> GetEnumerator()
        {
            for (var i = 0; i < documents.Count; i++) yield return this[i];
        }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public Task AppendHistoryArchiveAsync(string tenantId, string ticketId, IReadOnlyList<TicketHistoryEntry> entries, CancellationToken cancellationToken)
    {
        var p = For(tenantId);
        var batch = new EmbeddedStoreFile.Batch();
        foreach (var entry in entries) batch.History(tenantId, ticketId, entry.Version, JsonSerializer.SerializeToUtf8Bytes(entry, HistoryEntryJson));
        return _file.WriteAsync(batch, () =>
        {
            lock (p.Gate)
            {
                if (!p.HistoryArchive.TryGetValue(ticketId, out var archive))
                    p.HistoryArchive[ticketId] = archive = new SortedDictionary<int, TicketHistoryEntry>();
                // Entries are immutable records (their values are JsonElements), so they can be kept as given.
                foreach (var entry in entries) archive[entry.Version] = entry;
            }
        });
    }

    public Task<IReadOnlyList<TicketHistoryEntry>> GetHistoryArchiveAsync(string tenantId, string ticketId, int afterVersion, int throughVersion, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(tenantId, out var p)) return Task.FromResult<IReadOnlyList<TicketHistoryEntry>>([]);
        lock (p.Gate)
        {
            return Task.FromResult<IReadOnlyList<TicketHistoryEntry>>(
                p.HistoryArchive.TryGetValue(ticketId, out var archive)
                    ? [.. archive.Values.Where(e => e.Version > afterVersion && e.Version <= throughVersion)]
                    : []);
        }
    }

    public Task<IdempotencyRecord?> ClaimIdempotencyKeyAsync(IdempotencyRecord claim, Func<IdempotencyRecord, bool> canTakeOver, CancellationToken cancellationToken)
    {
        var p = For(claim.TenantId);
        var batch = new EmbeddedStoreFile.Batch().Idempotency(claim.TenantId, claim.Id, JsonSerializer.SerializeToUtf8Bytes(claim, IdempotencyJson));
        Task written;
        IdempotencyRecord? existing;
        lock (p.Gate)
        {
            if (p.Idempotency.TryGetValue(claim.Id, out existing) && !canTakeOver(existing))
                return Task.FromResult<IdempotencyRecord?>(existing);
            // Held in memory from now, so that a concurrent claim of the key finds it; answered once it is in the file.
            p.Idempotency[claim.Id] = claim;
            written = _file.WriteAsync(batch, null);
        }
        return Claimed(written, p, claim, existing);

        static async Task<IdempotencyRecord?> Claimed(Task written, Partition p, IdempotencyRecord claim, IdempotencyRecord? before)
        {
            try
            {
                await written;
                return null;
            }
            catch
            {
                lock (p.Gate)
                    if (ReferenceEquals(p.Idempotency.GetValueOrDefault(claim.Id), claim))
                    {
                        if (before is null) p.Idempotency.Remove(claim.Id);
                        else p.Idempotency[claim.Id] = before;
                    }
                throw;
            }
        }
    }

    public Task SaveIdempotencyRecordAsync(IdempotencyRecord record, CancellationToken cancellationToken)
    {
        var p = For(record.TenantId);
        var batch = new EmbeddedStoreFile.Batch().Idempotency(record.TenantId, record.Id, JsonSerializer.SerializeToUtf8Bytes(record, IdempotencyJson));
        lock (p.Gate)
            return _file.WriteAsync(batch, () =>
            {
                lock (p.Gate) p.Idempotency[record.Id] = record;
            });
    }

    public Task ReleaseIdempotencyKeyAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(tenantId, out var p)) return Task.CompletedTask;
        lock (p.Gate)
        {
            if (!p.Idempotency.ContainsKey(id)) return Task.CompletedTask;
            return _file.WriteAsync(new EmbeddedStoreFile.Batch().DeleteIdempotency(tenantId, id), () =>
            {
                lock (p.Gate) p.Idempotency.Remove(id);
            });
        }
    }

    /// <summary>
    /// A revision's events, made ready outside the partition's lock: their headers' JSON, and the revision's JSON as a
    /// slice of the stored ticket's array, which the feed in memory shares. In the file the events of a revision the
    /// same batch writes as the ticket's row share that row (<paramref name="sharedRow"/>: the display id; their own
    /// <c>ticket</c> is NULL); others are bound from the slice. The ticket is not serialized again, nor copied.
    /// </summary>
    private sealed class EventRows(TicketEvent[] events, byte[][] json, ReadOnlyMemory<byte> ticketJson, string? sharedRow)
    {
        /// <param name="sharesRow">True when the batch the events are queued to writes <paramref name="stored"/> as the ticket's row.</param>
        public static EventRows Of(Ticket ticket, StoredTicket stored, bool created, bool sharesRow) =>
            Of([.. TicketEvents.Of(ticket, created)], stored, sharesRow ? ticket.ObjectId : null);

        public static EventRows Of(TicketEvent[] events, StoredTicket stored, string? sharedRow = null)
        {
            var json = new byte[events.Length][];
            for (var i = 0; i < events.Length; i++) json[i] = JsonSerializer.SerializeToUtf8Bytes(events[i], TicketJsonContext.Default.TicketEvent);
            return new EventRows(events, json, stored.Json.AsMemory(0, stored.HistoryStart), sharedRow);
        }

        /// <summary>
        /// Under the partition's lock, in the same critical section as the write is queued: gives the events the next
        /// positions and adds their rows, and the feed's counter, to the write's batch. Writes are committed, and their
        /// after-commit actions run, in the order they are queued, so the feed in memory grows in position order and a
        /// reader never sees a position before a smaller one that is still to come.
        /// </summary>
        public StoredTicketEvent[] Queue(string tenantId, Partition p, EmbeddedStoreFile.Batch batch)
        {
            var queued = new StoredTicketEvent[events.Length];
            var sharing = sharedRow is null || events.Length == 0 ? null : p.SharingEvents(sharedRow);
            for (var i = 0; i < events.Length; i++)
            {
                var position = ++p.EventPosition;
                batch.Event(tenantId, position, events[i].Time, json[i], sharing is null ? ticketJson : (ReadOnlyMemory<byte>?)null);
                sharing?.Add(position);
                queued[i] = new StoredTicketEvent(events[i] with { Position = position }, ticketJson);
            }
            // No counter row here: at start the last position is the largest of the rows' and the counter's, which only
            // a prune (removing rows) needs to write.
            return queued;
        }
    }

    public Task<EventPage> ReadEventsAsync(string tenantId, long after, int limit, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(tenantId, out var p)) return Task.FromResult(new EventPage([], after, false));
        lock (p.Gate)
        {
            var events = p.Events;
            // Binary search for the first position after the cursor: the cost doesn't depend on where it is.
            int lo = 0, hi = events.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (events[mid].Event.Position <= after) lo = mid + 1; else hi = mid;
            }
            var count = Math.Min(limit, events.Count - lo);
            var page = events.GetRange(lo, count);
            var next = count > 0 ? page[^1].Event.Position : after;
            return Task.FromResult(new EventPage(page, next, lo + count < events.Count));
        }
    }

    public Task<int> RecordEventsAsync(Ticket ticket, IReadOnlyList<TicketEvent> events, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(ticket.TenantId, out var p)) return Task.FromResult(0);
        var batch = new EmbeddedStoreFile.Batch();
        Task written;
        int recorded;
        lock (p.Gate)
        {
            if (!p.TicketsByObjectId.TryGetValue(ticket.ObjectId, out var stored) || stored.Id != ticket.Id
                || p.WritingObjectIds.Contains(ticket.ObjectId) || stored.Read().Version != ticket.Version)
                return Task.FromResult(0);
            var fresh = events.Where(e => !p.BreachIds.Contains(e.Id)).DistinctBy(e => e.Id).ToArray();
            if (fresh.Length == 0) return Task.FromResult(0);
            foreach (var e in fresh) p.BreachIds.Add(e.Id);
            var feed = EventRows.Of(fresh, stored).Queue(ticket.TenantId, p, batch);
            recorded = feed.Length;
            written = _file.WriteAsync(batch, () =>
            {
                lock (p.Gate) p.Events.AddRange(feed);
            });
        }
        return Recorded(written, p, events, recorded);

        static async Task<int> Recorded(Task written, Partition p, IReadOnlyList<TicketEvent> events, int recorded)
        {
            try
            {
                await written;
                return recorded;
            }
            catch
            {
                lock (p.Gate) foreach (var e in events) p.BreachIds.Remove(e.Id);
                throw;
            }
        }
    }

    public async Task<bool> AppendEventAsync(TicketEvent e, CancellationToken cancellationToken)
    {
        var p = For(e.TenantId);
        var batch = new EmbeddedStoreFile.Batch();
        Task written;
        StoredTicketEvent[] feed;
        lock (p.Gate)
        {
            if (!p.BreachIds.Add(e.Id)) return false;
            feed = new EventRows([e], [JsonSerializer.SerializeToUtf8Bytes(e, TicketJsonContext.Default.TicketEvent)], ReadOnlyMemory<byte>.Empty, null)
                .Queue(e.TenantId, p, batch);
            written = _file.WriteAsync(batch, () =>
            {
                lock (p.Gate) p.Events.AddRange(feed);
            });
        }
        try
        {
            await written;
            return true;
        }
        catch
        {
            lock (p.Gate) p.BreachIds.Remove(e.Id);
            throw;
        }
    }

    /// <summary>Nothing is ever pending here: a write's events are in its own commit.</summary>
    public Task<int> PublishPendingAsync(CancellationToken cancellationToken) => Task.FromResult(0);

    public async Task<int> PruneEventsAsync(string before, CancellationToken cancellationToken)
    {
        var pruned = 0;
        foreach (var (tenantId, p) in _partitions)
        {
            Task written;
            lock (p.Gate)
            {
                var count = 0;
                while (count < p.Events.Count && string.CompareOrdinal(p.Events[count].Event.Time, before) < 0) count++;
                if (count == 0) continue;
                var through = p.Events[count - 1].Event.Position;
                var removedIds = p.Events.Take(count).Where(e => e.Event.Type == TicketEventTypes.SlaBreached).Select(e => e.Event.Id).ToList();
                // The counter keeps the last position given once the rows that held it are gone.
                var batch = new EmbeddedStoreFile.Batch().DeleteEventsThrough(tenantId, through)
                    .Counter(tenantId, EmbeddedStoreFile.EventCounter, p.EventPosition);
                written = _file.WriteAsync(batch, () =>
                {
                    lock (p.Gate)
                    {
                        var index = p.Events.FindIndex(e => e.Event.Position > through);
                        p.Events.RemoveRange(0, index < 0 ? p.Events.Count : index);
                        foreach (var id in removedIds) p.BreachIds.Remove(id);
                        // Their rows are gone: no write of a ticket needs to give them a copy any more.
                        foreach (var (objectId, positions) in p.RowSharingEvents.ToList())
                            if (positions.RemoveAll(position => position <= through) > 0 && positions.Count == 0) p.RowSharingEvents.Remove(objectId);
                    }
                });
                pruned += count;
            }
            await written;
        }
        return pruned;
    }

    public Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. _partitions.Where(e => Volatile.Read(ref e.Value.Catalog) is not null || e.Value.TicketIds.Count > 0).Select(e => e.Key).Order(StringComparer.Ordinal)]);
}
