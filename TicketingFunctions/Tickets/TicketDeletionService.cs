using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Tickets;

/// <summary>A delete request as the function read it; <see cref="IfMatch"/> is the raw If-Match header, if any.</summary>
public sealed record DeleteTicketRequest(RequestHeaders Headers, string ObjectId, string? IfMatch);

/// <summary>
/// Soft delete: the ticket keeps its document and history, gets <c>deleted_seq</c> from the tenant's deletion sequence
/// (so a sync client can page deletions in order) and from then on answers 404 to everyone but a tenant admin who asks.
/// Checks, first failure wins: token (in the function) → headers 400 → tenant 404 → scope and agent/admin role 401 →
/// ticket 404 → team and type 403 → If-Match malformed 400, missing 428, stale 412.
/// </summary>
public sealed class TicketDeletionService(
    TicketAccessor tickets,
    ITicketStore store,
    TimeProvider time,
    IOptions<TicketHistoryOptions> historyOptions,
    ILogger<TicketDeletionService> logger)
{
    public async Task<Outcome<Ticket>> DeleteAsync(Caller caller, DeleteTicketRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var access = await tickets.OpenAsync(caller, request.Headers, request.ObjectId, TicketOperation.Delete, "delete ticket", cancellationToken);
            if (access.Error is not null) return access.Error;
            var current = access.Value!.Ticket;

            var errors = new ValidationErrors();
            var etag = TicketUpdateValidator.ParseIfMatch(request.IfMatch, errors);
            if (errors.Count > 0) return ApiError.Invalid(errors);
            if (etag is null) return ApiError.DeleteEtagRequired;
            if (!string.Equals(etag, current.Etag, StringComparison.Ordinal)) return ApiError.EtagMismatch;

            // A number lost to a race below leaves a gap in the sequence, never a repeat.
            var seq = await store.NextDeletionSeqAsync(current.TenantId, cancellationToken);
            var now = time.GetUtcNow();
            var deleted = Deleted(current, caller, seq, now);
            var split = HistoryCompaction.Compact(deleted.History, historyOptions.Value);
            if (split.Archive.Count > 0)
                await store.AppendHistoryArchiveAsync(current.TenantId, current.Id, split.Archive, cancellationToken);
            deleted = deleted with { History = split.Keep };
            try
            {
                await store.ReplaceTicketAsync(deleted, current.Etag, cancellationToken);
            }
            catch (EtagMismatchException)
            {
                logger.LogInformation("Delete of ticket {ObjectId} lost the race for etag; 412", current.ObjectId);
                return ApiError.EtagMismatch;
            }
            logger.LogInformation("Deleted ticket {ObjectId} as deletion {DeletedSeq}", current.ObjectId, seq);
            return SlaClocks.Observe(deleted, now);
        }
        catch (StoreUnavailableException ex)
        {
            logger.LogWarning("Store unavailable while deleting a ticket; retry after {RetryAfter}", ex.RetryAfter);
            return ApiError.Unavailable(ex.RetryAfter);
        }
    }

    /// <summary>The ticket's next revision as deleted, with its history entry (<c>deleted_seq</c>: -1 → the sequence number).</summary>
    public static Ticket Deleted(Ticket current, Caller caller, long seq, DateTimeOffset now)
    {
        var timestamp = TicketFactory.Timestamp(now);
        var version = current.Version + 1;
        var data = (System.Text.Json.Nodes.JsonObject)current.Data.DeepClone();
        data["lastUpdatedBy"] = TicketFactory.LastUpdatedBy(caller);
        var entry = new TicketHistoryEntry
        {
            Version = version,
            Action = TicketHistory.Deleted,
            Username = caller.Username,
            Timestamp = timestamp,
            Changes = new Dictionary<string, ValueChange>(StringComparer.Ordinal)
            {
                [TicketHistory.DeletedSeqKey] = new(TicketHistory.Element(current.DeletedSeq), TicketHistory.Element(seq)),
            },
        };
        return current with
        {
            Etag = Guid.NewGuid().ToString(),
            DeletedSeq = seq,
            Data = data,
            Version = version,
            UpdatedAt = timestamp,
            History = [.. current.History, entry],
        };
    }
}
