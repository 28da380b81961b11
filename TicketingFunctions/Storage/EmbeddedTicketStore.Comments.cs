using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Storage;

/// <summary>The embedded store's comments: a table of the file, and per ticket a list in page order in memory.</summary>
public sealed partial class EmbeddedTicketStore : ICommentStore
{
    private static readonly JsonTypeInfo<TicketComment> CommentJson = TicketJsonContext.Default.TicketComment;

    /// <summary>A tenant's comments by id, and each ticket's in the order (created_at, id); written under the partition's gate.</summary>
    private sealed class CommentIndex
    {
        private readonly Dictionary<string, TicketComment> _byId = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<TicketComment>> _byTicket = new(StringComparer.Ordinal);
        /// <summary>An upload's id → the id of the comment that links it (an upload is linked once).</summary>
        private readonly Dictionary<string, string> _byAttachment = new(StringComparer.Ordinal);

        public TicketComment? Get(string id) => _byId.GetValueOrDefault(id);

        public TicketComment? Linking(string attachmentId) => _byAttachment.TryGetValue(attachmentId, out var id) ? Get(id) : null;

        public void Put(TicketComment comment)
        {
            foreach (var attachmentId in comment.AttachmentIds) _byAttachment[attachmentId] = comment.Id;
            if (!_byTicket.TryGetValue(comment.TicketId, out var list)) _byTicket[comment.TicketId] = list = [];
            var at = list.BinarySearch(comment, Order.Instance);
            if (_byId.ContainsKey(comment.Id) && at >= 0) list[at] = comment;
            else list.Insert(at >= 0 ? at : ~at, comment);
            _byId[comment.Id] = comment;
        }

        /// <summary>At most <paramref name="pageSize"/> comments of the tickets after <paramref name="after"/>: each ticket's list is entered by binary search.</summary>
        public CommentPage Page(IReadOnlyList<string> ticketIds, bool publicOnly, CommentPosition? after, int pageSize)
        {
            var merged = new List<TicketComment>();
            foreach (var ticketId in ticketIds.Distinct(StringComparer.Ordinal))
            {
                if (!_byTicket.TryGetValue(ticketId, out var list)) continue;
                var start = 0;
                if (after is { } position)
                {
                    var probe = new TicketComment
                    {
                        Id = position.Id, TenantId = "", TicketId = ticketId, Etag = "", Body = "", Visibility = "",
                        Author = new CommentAuthor("", "", false), CreatedAt = position.CreatedAt,
                    };
                    var found = list.BinarySearch(probe, Order.Instance);
                    start = found >= 0 ? found + 1 : ~found;
                }
                var taken = 0;
                for (var i = start; i < list.Count && taken <= pageSize; i++)
                {
                    if (publicOnly && !list[i].IsPublic) continue;
                    merged.Add(list[i]);
                    taken++;
                }
            }
            merged.Sort(Order.Instance);
            if (merged.Count <= pageSize) return new CommentPage(merged, null);
            var page = merged.GetRange(0, pageSize);
            return new CommentPage(page, new CommentPosition(page[^1].CreatedAt, page[^1].Id));
        }
    }

    private sealed class Order : IComparer<TicketComment>
    {
        public static readonly Order Instance = new();

        public int Compare(TicketComment? x, TicketComment? y)
        {
            var byTime = string.CompareOrdinal(x!.CreatedAt, y!.CreatedAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(x.Id, y.Id);
        }
    }

    /// <summary>One commit: the comment and, when it changes them, its ticket's values. Waits for a write of the ticket on its way to the file.</summary>
    public async Task<Ticket> AddCommentAsync(Ticket ticket, TicketComment comment, Func<Ticket, Ticket?> changeTicket, CancellationToken cancellationToken)
    {
        if (comment.TenantId != ticket.TenantId || comment.TicketId != ticket.Id) throw new ArgumentException("The comment belongs to another ticket.", nameof(comment));
        var p = For(ticket.TenantId);
        var commentJson = JsonSerializer.SerializeToUtf8Bytes(comment, CommentJson);
        while (true)
        {
            Task inFlight;
            Task<Ticket>? mine = null;
            lock (p.Gate)
            {
                if (!p.TicketsByObjectId.TryGetValue(ticket.ObjectId, out var current) || current.Id != ticket.Id)
                    throw new EtagMismatchException($"Ticket {ticket.ObjectId} does not exist.");
                if (p.Comments.Get(comment.Id) is not null) throw new TicketConflictException($"Comment {comment.Id} already exists.");
                var busy = p.ConversationWrites.GetValueOrDefault(ticket.ObjectId);
                if (busy is null && !p.WritingObjectIds.Contains(ticket.ObjectId))
                {
                    var read = current.Read();
                    var changed = changeTicket(read);
                    var batch = new EmbeddedStoreFile.Batch().Comment(comment.TenantId, comment.Id, commentJson);
                    StoredTicket? saved = null;
                    Action? kept = null;
                    if (changed is not null)
                    {
                        if (changed.Etag != read.Etag || changed.Version != read.Version || changed.Id != read.Id)
                            throw new InvalidOperationException("A comment may not change its ticket's etag, version or id.");
                        saved = StoredTicket.From(changed);
                        kept = KeepSharedRevisions(changed.TenantId, changed.ObjectId, p, batch);
                        batch.Ticket(changed.TenantId, changed.ObjectId, saved.Id, saved.Etag, saved.Json, saved.HistoryStart);
                    }
                    var listed = changed is null ? null : TicketField.ValuesOf(changed);
                    // A public comment's event (an internal note has none), in the same commit, with the ticket as it stands
                    // after it: sharing the row when the commit writes it.
                    var feed = TicketEvents.Commented(changed ?? read, comment) is { } commented
                        ? EventRows.Of([commented], saved ?? current, saved is null ? null : changed!.ObjectId).Queue(comment.TenantId, p, batch)
                        : [];
                    var written = _file.WriteAsync(batch, () =>
                    {
                        lock (p.Gate)
                        {
                            kept?.Invoke();
                            p.Events.AddRange(feed);
                            p.Comments.Put(comment);
                            if (saved is not null)
                            {
                                p.TicketsByObjectId[ticket.ObjectId] = saved;
                                p.Listing.Put(ticket.Id, listed!, saved);
                            }
                            p.ConversationWrites.Remove(ticket.ObjectId);
                        }
                    });
                    p.ConversationWrites[ticket.ObjectId] = written;
                    mine = Committed(written, p, ticket.ObjectId, changed ?? read);
                    inFlight = mine;
                }
                // Another write of the ticket is on its way to the file: this one builds on it once it is there.
                else inFlight = busy ?? p.TicketWrites.GetValueOrDefault(ticket.ObjectId)
                    ?? throw new EtagMismatchException($"Ticket {ticket.ObjectId} is being created.");
            }
            if (mine is not null) return await mine;
            try { await inFlight; } catch { /* that write's caller hears of it; this one reads the store again */ }
        }

        static async Task<Ticket> Committed(Task written, Partition p, string objectId, Ticket result)
        {
            try
            {
                await written;
                return result;
            }
            catch
            {
                lock (p.Gate) p.ConversationWrites.Remove(objectId);
                throw;
            }
        }
    }

    public Task<TicketComment?> FindCommentLinkingAsync(string tenantId, IReadOnlyList<string> ticketIds, string attachmentId, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(tenantId, out var p)) return Task.FromResult<TicketComment?>(null);
        TicketComment? comment;
        lock (p.Gate) comment = p.Comments.Linking(attachmentId);
        return Task.FromResult(comment is not null && ticketIds.Contains(comment.TicketId, StringComparer.Ordinal) ? comment : null);
    }

    public Task<TicketComment?> GetCommentAsync(string tenantId, string commentId, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(tenantId, out var p)) return Task.FromResult<TicketComment?>(null);
        lock (p.Gate) return Task.FromResult(p.Comments.Get(commentId));
    }

    public Task ReplaceCommentAsync(TicketComment comment, string expectedEtag, CancellationToken cancellationToken)
    {
        var p = For(comment.TenantId);
        var json = JsonSerializer.SerializeToUtf8Bytes(comment, CommentJson);
        lock (p.Gate)
        {
            var current = p.Comments.Get(comment.Id);
            if (current is null || current.TicketId != comment.TicketId || !string.Equals(current.Etag, expectedEtag, StringComparison.Ordinal)
                || p.WritingCommentIds.Contains(comment.Id))
                throw new EtagMismatchException($"Comment {comment.Id} was changed by someone else.");
            p.WritingCommentIds.Add(comment.Id);
            var written = _file.WriteAsync(new EmbeddedStoreFile.Batch().Comment(comment.TenantId, comment.Id, json), () =>
            {
                lock (p.Gate)
                {
                    p.Comments.Put(comment);
                    p.WritingCommentIds.Remove(comment.Id);
                }
            });
            return Settled(written, p, comment.Id);
        }

        static async Task Settled(Task written, Partition p, string id)
        {
            try
            {
                await written;
            }
            catch
            {
                lock (p.Gate) p.WritingCommentIds.Remove(id);
                throw;
            }
        }
    }

    public Task<CommentPage> ListCommentsAsync(string tenantId, IReadOnlyList<string> ticketIds, bool publicOnly, CommentPosition? after, int pageSize,
        CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetValue(tenantId, out var p)) return Task.FromResult(new CommentPage([], null));
        lock (p.Gate) return Task.FromResult(p.Comments.Page(ticketIds, publicOnly, after, pageSize));
    }
}
