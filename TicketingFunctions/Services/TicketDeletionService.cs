using Microsoft.Extensions.Logging;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Services;

/// <summary>
/// Soft delete: the ticket keeps its document and history, gets <c>deleted_seq</c> from the tenant's deletion sequence
/// (so a sync client can page deletions in order) and from then on answers 404 to everyone but a tenant admin who asks.
/// After the request pipeline's checks (token, headers, tenant, scope and agent/admin role), the first failure
/// winning: ticket 404 → team and type 403 → If-Match malformed 400, missing 428, stale 412.
/// </summary>
public sealed class TicketDeletionService(
    TicketAccessor tickets,
    ITicketStore store,
    RevisionSaver revisions,
    TimeProvider time,
    ILogger<TicketDeletionService> logger)
{
    public async Task<Outcome<Ticket>> DeleteAsync(CheckedCaller caller, string objectId, IfMatch ifMatch, CancellationToken cancellationToken)
    {
        var access = await tickets.OpenAsync(caller, objectId, cancellationToken);
        if (access.Error is not null) return access.Error;
        var current = access.Value!.Ticket;

        var errors = new ValidationErrors();
        var etag = ifMatch.CheckInto(errors);
        if (errors.Count > 0) return ApiError.Invalid(errors);
        if (etag is null) return ApiError.DeleteEtagRequired;
        if (!string.Equals(etag, current.Etag, StringComparison.Ordinal)) return ApiError.EtagMismatch;

        // A number lost to a race below leaves a gap in the sequence, never a repeat.
        var seq = await store.NextDeletionSeqAsync(current.TenantId, cancellationToken);
        var now = time.GetUtcNow();
        var saved = await revisions.SaveAsync(current, Deleted(current, caller.Caller, seq, now), cancellationToken);
        if (saved.Error is not null) return saved.Error;
        logger.LogInformation("Deleted ticket {ObjectId} as deletion {DeletedSeq}", current.ObjectId, seq);
        return SlaClocks.Observe(saved.Value!, now);
    }

    /// <summary>The ticket's next revision as deleted, with its history entry (<c>deleted_seq</c>: -1 → the sequence number).</summary>
    public static Ticket Deleted(Ticket current, Caller caller, long seq, DateTimeOffset now)
    {
        var changes = new Dictionary<string, ValueChange>(StringComparer.Ordinal)
        {
            [TicketHistory.DeletedSeqKey] = new(TicketHistory.Element(current.DeletedSeq), TicketHistory.Element(seq)),
        };
        return TicketRevision.Next(current, current with { DeletedSeq = seq }, null, TicketHistory.Deleted, changes, caller, now).Ticket;
    }
}
