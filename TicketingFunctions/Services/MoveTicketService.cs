using System.Text.Json;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;

using TicketingFunctions.Tickets;

namespace TicketingFunctions.Services;

/// <summary>A moved ticket (the successor after a move to another type), or the first response's replayed for a repeated Idempotency-Key.</summary>
public sealed record MovedTicket(Ticket Ticket, bool Replayed);

/// <summary>
/// Moves a ticket to another team, or to another ticket type (<see cref="TicketMove"/>). After the request pipeline's
/// checks (token, headers, tenant, write scope and agent/admin role), the first failure winning: ticket 404 → its team
/// and type 403 → a tombstone's 308 → body 400 → the target team and type 400 (unknown) and 403 → Idempotency-Key 422/409
/// → etag 428/412 → the values the new type refuses 400. With an Idempotency-Key, a retry answers the first move's
/// ticket, and a retry after a crash half-way finishes the same move.
/// </summary>
public sealed partial class MoveTicketService(
    TicketAccessor tickets,
    JsonBodyReader bodies,
    ITicketStore store,
    ICommentStore comments,
    RevisionSaver revisions,
    TimeProvider time,
    ILogger<MoveTicketService> logger)
{
    public async Task<Outcome<MovedTicket>> MoveAsync(CheckedCaller checkedCaller, MoveTicketRequest request, CancellationToken cancellationToken)
    {
        var caller = checkedCaller.Caller;
        var access = await tickets.OpenAsync(checkedCaller, request.ObjectId, cancellationToken, openTombstone: true);
        if (access.Error is not null) return access.Error;
        var (catalog, current, currentType) = access.Value!;
        var keyId = request.IdempotencyKey is null ? null : IdempotencyKeys.RecordId(caller, request.IdempotencyKey);
        // A tombstone is moved already: 308, unless this key moved it (a retry that finishes its move, below).
        if (current.MovedTo is not null && (keyId is null || current.MovedByKey != keyId))
            return ApiError.Moved(current.ObjectId, await tickets.NewestSuccessorAsync(current, cancellationToken));

        var errors = new ValidationErrors();
        var headerEtag = request.IfMatch.CheckInto(errors);
        var read = await bodies.ReadAsync(request.Body, request.ContentLength, request.ContentType, errors, cancellationToken);
        if (read.Error is not null) return read.Error;
        MoveTarget? target;
        string? requestHash = null;
        using (var body = read.Value!)
        {
            target = MoveTicketBody.Validate(body.RootElement, headerEtag, errors);
            if (target is not null && keyId is not null) requestHash = IdempotencyKeys.RequestHash(request.ObjectId, target, body.RootElement);
        }
        if (target is null) return ApiError.Invalid(errors);

        var typeId = target.ItemTypeId ?? current.LookupProps.ItemTypeId;
        if (!catalog.HasTeam(target.TeamId)) errors.Add(MoveTicketBody.TeamIdKey, $"Team {target.TeamId} not found");
        var type = catalog.FindType(typeId);
        if (type is null) errors.Add(MoveTicketBody.ItemTypeIdKey, $"Item type {typeId} not found");
        if (errors.Count > 0) return ApiError.Invalid(errors);
        if (!Permissions.CanUseTeam(caller, target.TeamId)) return ApiError.ForbiddenTeam(target.TeamId);
        if (!Permissions.CanUseTicketType(caller, type!.AllowedRoles)) return ApiError.ForbiddenType(type!.Id);

        IdempotencyRecord? claim = null;
        if (keyId is not null)
        {
            var now = time.GetUtcNow();
            claim = IdempotencyKeys.PendingClaim(keyId, caller.TenantId!, requestHash!, now);
            var existing = await store.ClaimIdempotencyKeyAsync(claim, IdempotencyKeys.CanTakeOver(now), cancellationToken);
            if (existing is not null)
            {
                if (existing.RequestHash != claim.RequestHash) return ApiError.IdempotencyKeyReused;
                if (existing is { State: IdempotencyRecord.Completed, Ticket: { } first })
                {
                    LogReplayed(logger, first.ObjectId);
                    return new MovedTicket(SlaClocks.Observe(first, time.GetUtcNow()), Replayed: true);
                }
                return ApiError.IdempotencyInProgress;
            }
        }

        try
        {
            var moved = await MoveAsync(current, currentType, catalog, target, type!, caller, claim, cancellationToken);
            if (moved.Error is not null && claim is not null) await ReleaseAsync(claim);
            return moved;
        }
        catch when (claim is not null)
        {
            // Nothing of the move may be done, or part of it: the tombstone names this key, so a retry finishes it.
            await ReleaseAsync(claim);
            throw;
        }
    }

    private async Task<Outcome<MovedTicket>> MoveAsync(Ticket current, Catalog.TicketType currentType, Catalog.CatalogIndex catalog, MoveTarget target,
        Catalog.TicketType type, Caller caller, IdempotencyRecord? claim, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // This key's move was cut short after its first write: what it wrote stands, and the answer is its ticket.
        if (claim is not null && current.MovedByKey == claim.Id && IsWhere(current, target.TeamId, type.Id, current.MovedTo))
        {
            var done = current.MovedTo is null ? current : await store.GetTicketAsync(current.TenantId, current.MovedTo, cancellationToken);
            if (done is not null)
            {
                await CompleteAsync(claim, done);
                LogFinished(logger, current.ObjectId);
                return new MovedTicket(SlaClocks.Observe(done, now), Replayed: false);
            }
        }

        if (target.Etag is null) return ApiError.EtagRequired;
        if (!string.Equals(target.Etag, current.Etag, StringComparison.Ordinal)) return ApiError.EtagMismatch;

        var errors = new ValidationErrors();
        if (type.Id == current.LookupProps.ItemTypeId)
        {
            if (target.TeamId == current.LookupProps.TeamId)
            {
                errors.Add(MoveTicketBody.TeamIdKey, $"The ticket is in team {target.TeamId} already; a move names another team or another ticket type");
                return ApiError.Invalid(errors);
            }
            var saved = await revisions.SaveAsync(current, TicketMove.ToTeam(current, target.TeamId, claim?.Id, caller, now), cancellationToken);
            if (saved.Error is not null) return saved.Error;
            if (claim is not null) await CompleteAsync(claim, saved.Value!);
            LogMovedToTeam(logger, current.ObjectId, target.TeamId);
            return new MovedTicket(SlaClocks.Observe(saved.Value!, now), Replayed: false);
        }

        var values = TicketMove.ValuesFor(current, currentType, catalog, type, errors, out var offerId);
        if (values is null) return ApiError.Invalid(errors);
        // A number lost to a failure below leaves a gap in the type's numbers, never a repeat.
        var number = await store.NextDisplayNumberAsync(current.TenantId, type.Prefix, cancellationToken);
        var firstReplyAt = type.SlaPolicies?.Any(p => p.StopsAt == Catalog.SlaPolicy.FirstPublicReply) == true
            ? await FirstPublicReplyAtAsync(current, cancellationToken)
            : null;
        var (successor, tombstone) = TicketMove.ToType(current, target.TeamId, type, values, offerId!, number, claim?.Id, caller, now, firstReplyAt);
        try
        {
            await store.MoveTicketAsync(tombstone, current.Etag, successor,
                claim is null ? null : claim with { State = IdempotencyRecord.Completed, Ticket = successor }, cancellationToken);
        }
        catch (EtagMismatchException)
        {
            return ApiError.EtagMismatch;
        }
        LogMovedToType(logger, current.ObjectId, successor.ObjectId, type.Id);
        return new MovedTicket(SlaClocks.Observe(successor, now), Replayed: false);
    }

    /// <summary>
    /// When the ticket's first public agent reply was written, or null: a stopped first-reply clock says so; else its
    /// public comments (its own and its predecessors', oldest first) are read until an agent's, when it has any.
    /// </summary>
    private async Task<string?> FirstPublicReplyAtAsync(Ticket current, CancellationToken cancellationToken)
    {
        foreach (var clock in current.Slas)
            if (clock.StopsOn == Catalog.SlaPolicy.FirstPublicReply && clock.StoppedAt is { } stopped) return stopped;
        if (current.CommentCount == 0) return null;
        CommentPosition? after = null;
        do
        {
            var page = await comments.ListCommentsAsync(current.TenantId, [current.Id, .. current.MovedFrom], publicOnly: true, after, 50, cancellationToken);
            foreach (var comment in page.Comments)
                if (comment.Author.IsAgent) return comment.CreatedAt;
            after = page.Next;
        }
        while (after is not null);
        return null;
    }

    /// <summary>Whether the ticket (or, for a tombstone, its move) already is in the team and type asked for.</summary>
    private static bool IsWhere(Ticket ticket, string teamId, string typeId, string? movedTo) =>
        movedTo is not null || ticket.LookupProps.TeamId == teamId && ticket.LookupProps.ItemTypeId == typeId;

    private async Task CompleteAsync(IdempotencyRecord claim, Ticket ticket)
    {
        try { await store.SaveIdempotencyRecordAsync(claim with { State = IdempotencyRecord.Completed, Ticket = ticket }, CancellationToken.None); }
        catch (Exception ex) { logger.LogWarning("Could not record the response for an idempotency key: {ExceptionType}", ex.GetType().Name); }
    }

    private async Task ReleaseAsync(IdempotencyRecord claim)
    {
        try { await store.ReleaseIdempotencyKeyAsync(claim.TenantId, claim.Id, CancellationToken.None); }
        catch (Exception ex) { logger.LogWarning("Could not release an idempotency key after a failed move: {ExceptionType}", ex.GetType().Name); }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved ticket {ObjectId} to team {TeamId}")]
    private static partial void LogMovedToTeam(ILogger logger, string objectId, string teamId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved ticket {ObjectId} to {SuccessorObjectId} of type {ItemTypeId}")]
    private static partial void LogMovedToType(ILogger logger, string objectId, string successorObjectId, string itemTypeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Finished the interrupted move of ticket {ObjectId} for a repeated idempotency key")]
    private static partial void LogFinished(ILogger logger, string objectId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed the move of ticket {ObjectId} for a repeated idempotency key")]
    private static partial void LogReplayed(ILogger logger, string objectId);
}
