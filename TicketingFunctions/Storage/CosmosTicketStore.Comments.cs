using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Storage;

/// <summary>
/// Comments on Cosmos DB: one document each in the tenants container (kind "comment"; the tickets container's unique
/// key on /object_id rules them out there), read a page at a time by one single-partition query ordered by the
/// composite index (created_at, id) that <see cref="CosmosClientProvider"/> and the Bicep declare.
/// </summary>
public sealed partial class CosmosTicketStore : ICommentStore
{
    /// <summary>How often a comment's write of its ticket is tried again after losing a race for the document's <c>_etag</c>.</summary>
    private const int ConversationAttempts = 32;

    /// <summary>
    /// Two writes (the emulator has no transactional batch across the containers anyway): the comment, then its
    /// ticket's values, conditional on the ticket document's <c>_etag</c> and retried on a race. A failure between
    /// the two leaves the comment stored and the count one short; the comment is never lost.
    /// </summary>
    public Task<Ticket> AddCommentAsync(Ticket ticket, TicketComment comment, Func<Ticket, Ticket?> changeTicket, CancellationToken cancellationToken) =>
        RunAsync("add the comment", async cancellationToken =>
        {
            if (comment.TenantId != ticket.TenantId || comment.TicketId != ticket.Id) throw new ArgumentException("The comment belongs to another ticket.", nameof(comment));
            var containers = await _clients.GetContainersAsync(cancellationToken);
            var partitionKey = new PartitionKey(ticket.TenantId);
            try
            {
                await containers.Tenants.CreateItemAsync(comment, partitionKey, NoContentOnWrite, cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                throw new TicketConflictException($"Comment {comment.Id} already exists.", e);
            }
            for (var attempt = 1; ; attempt++)
            {
                Ticket current;
                try
                {
                    current = ToTicket((await containers.Tickets.ReadItemAsync<JsonElement>(ticket.Id, partitionKey, cancellationToken: cancellationToken)).Resource);
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new EtagMismatchException($"Ticket {ticket.ObjectId} does not exist.", e);
                }
                var changed = changeTicket(current);
                if (changed is null) return current with { Revision = null };
                if (changed.Etag != current.Etag || changed.Version != current.Version || changed.Id != current.Id)
                    throw new InvalidOperationException("A comment may not change its ticket's etag, version or id.");
                // The ticket's version is unchanged, so are its events: the document's event state is written back as read,
                // with a public comment's event added to its backlog in the same conditional replace.
                var commented = TicketEvents.Commented(changed, comment);
                var events = commented is null ? EventStateAsRead(current.Revision!) : CommentEventState(current.Revision!, commented, changed);
                try
                {
                    await containers.Tickets.ReplaceItemAsync(changed with { Revision = current.Revision! with { EventsMember = events } }, changed.Id, partitionKey,
                        new ItemRequestOptions { IfMatchEtag = current.Revision!.StoreEtag, EnableContentResponseOnWrite = false }, cancellationToken);
                    if (commented is not null) PublishSoon(changed.TenantId, changed.Id);
                    return changed with { Revision = null };
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    // Another write of the ticket won: apply this comment's values to what it wrote. So many losses in a
                    // row mean a storm of writes on one ticket: the comment is stored, the client may retry later.
                    if (attempt >= ConversationAttempts)
                        throw new StoreUnavailableException($"Ticket {ticket.ObjectId} is written too often to add the comment's values now.", UnavailableRetryAfter, e);
                }
            }
        }, cancellationToken);

    /// <summary>One single-partition query on the comments' stored <c>attachment_ids</c> (indexed, as every path of the container but archived history).</summary>
    public Task<TicketComment?> FindCommentLinkingAsync(string tenantId, IReadOnlyList<string> ticketIds, string attachmentId, CancellationToken cancellationToken) =>
        RunAsync("find the comment linking an attachment", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            var query = new QueryDefinition("SELECT TOP 1 * FROM c WHERE c.tenant_id = @tenantId AND c.kind = @kind AND ARRAY_CONTAINS(@ticketIds, c.ticket_id)"
                                            + " AND ARRAY_CONTAINS(c.attachment_ids, @attachmentId)")
                .WithParameter("@tenantId", tenantId)
                .WithParameter("@kind", TicketComment.KindName)
                .WithParameter("@ticketIds", ticketIds.Distinct(StringComparer.Ordinal).ToArray())
                .WithParameter("@attachmentId", attachmentId);
            using var results = containers.Tenants.GetItemQueryIterator<TicketComment>(query, requestOptions: new QueryRequestOptions
            {
                PartitionKey = new PartitionKey(tenantId),
                MaxItemCount = 1,
            });
            while (results.HasMoreResults)
                foreach (var comment in await results.ReadNextAsync(cancellationToken)) return comment;
            return null;
        }, cancellationToken);

    public Task<TicketComment?> GetCommentAsync(string tenantId, string commentId, CancellationToken cancellationToken) =>
        RunAsync("read the comment", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            try
            {
                var comment = (await containers.Tenants.ReadItemAsync<TicketComment>(commentId, new PartitionKey(tenantId), cancellationToken: cancellationToken)).Resource;
                return comment.Kind == TicketComment.KindName && comment.TenantId == tenantId ? comment : null;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, cancellationToken);

    public Task ReplaceCommentAsync(TicketComment comment, string expectedEtag, CancellationToken cancellationToken) =>
        RunAsync("replace the comment", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            var partitionKey = new PartitionKey(comment.TenantId);
            ItemResponse<TicketComment> current;
            try
            {
                current = await containers.Tenants.ReadItemAsync<TicketComment>(comment.Id, partitionKey, cancellationToken: cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new EtagMismatchException($"Comment {comment.Id} does not exist.", e);
            }
            if (current.Resource.TicketId != comment.TicketId || !string.Equals(current.Resource.Etag, expectedEtag, StringComparison.Ordinal))
                throw new EtagMismatchException($"Comment {comment.Id} was changed by someone else.");
            try
            {
                await containers.Tenants.ReplaceItemAsync(comment, comment.Id, partitionKey,
                    new ItemRequestOptions { IfMatchEtag = current.ETag, EnableContentResponseOnWrite = false }, cancellationToken);
            }
            catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                throw new EtagMismatchException($"Comment {comment.Id} was changed by someone else.", e);
            }
            return true;
        }, cancellationToken);

    /// <summary>
    /// One request: a keyset page (after the last comment's created_at and id) of a single-partition query, TOP one more
    /// than the page to know whether another follows, in the order of the composite index (created_at, id).
    /// </summary>
    public Task<CommentPage> ListCommentsAsync(string tenantId, IReadOnlyList<string> ticketIds, bool publicOnly, CommentPosition? after, int pageSize,
        CancellationToken cancellationToken) =>
        RunAsync("list comments", async cancellationToken =>
        {
            var containers = await _clients.GetContainersAsync(cancellationToken);
            var sql = string.Create(CultureInfo.InvariantCulture,
                $"SELECT TOP {pageSize + 1} * FROM c WHERE c.tenant_id = @tenantId AND c.kind = @kind AND ARRAY_CONTAINS(@ticketIds, c.ticket_id)");
            if (publicOnly) sql += " AND c.visibility = @public";
            if (after is not null) sql += " AND (c.created_at > @afterAt OR (c.created_at = @afterAt AND c.id > @afterId))";
            sql += " ORDER BY c.created_at, c.id";
            var query = new QueryDefinition(sql)
                .WithParameter("@tenantId", tenantId)
                .WithParameter("@kind", TicketComment.KindName)
                .WithParameter("@ticketIds", ticketIds.Distinct(StringComparer.Ordinal).ToArray())
                .WithParameter("@public", CommentVisibility.Public);
            if (after is { } position) query = query.WithParameter("@afterAt", position.CreatedAt).WithParameter("@afterId", position.Id);
            using var results = containers.Tenants.GetItemQueryIterator<TicketComment>(query, requestOptions: new QueryRequestOptions
            {
                PartitionKey = new PartitionKey(tenantId),
                MaxItemCount = pageSize + 1,
                // One partition: the service runs the whole ORDER BY, so the SDK needs no query plan request first.
                EnableOptimisticDirectExecution = true,
            });
            var comments = new List<TicketComment>(pageSize + 1);
            while (results.HasMoreResults && comments.Count <= pageSize)
                foreach (var comment in await results.ReadNextAsync(cancellationToken)) comments.Add(comment);
            if (comments.Count <= pageSize) return new CommentPage(comments, null);
            var page = comments.GetRange(0, pageSize);
            return new CommentPage(page, new CommentPosition(page[^1].CreatedAt, page[^1].Id));
        }, cancellationToken);
}
