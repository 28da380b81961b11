using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Api;
using TicketingFunctions.Attachments;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Tickets;

/// <summary>A read or history request as the function read it; <see cref="IncludeDeleted"/> is read's query parameter as sent.</summary>
public sealed record TicketRequest(RequestHeaders Headers, string ObjectId, string? IncludeDeleted = null);

/// <summary>An update request as the function read it; <see cref="IfMatch"/> is the raw If-Match header, if any.</summary>
public sealed record UpdateTicketRequest(RequestHeaders Headers, string ObjectId, string? IfMatch, Stream Body, long? ContentLength = null, string? ContentType = null);

/// <summary>A history request: the ticket and the raw <c>limit</c> and <c>after</c> query parameters, if sent.</summary>
public sealed record TicketHistoryRequest(RequestHeaders Headers, string ObjectId, string? Limit = null, string? After = null);

/// <summary>One page of a ticket's history, oldest first, and the <c>after</c> of the next page (null on the last).</summary>
public sealed record TicketHistoryView(string ObjectId, IReadOnlyList<TicketHistoryEntry> Entries, int? NextAfter);

/// <summary>
/// Reads, updates and lists the history of existing tickets, with create's order of checks (the first failure wins):
/// token (in the function) → headers 400 → tenant 404 → permission 401 → ticket 404 → team and type 403 →
/// body 400 → etag 428/412 → the attachments and relation the body names 400 (checked against the stores last).
/// </summary>
public sealed class TicketLifecycleService(
    TicketAccessor tickets,
    JsonBodyReader bodies,
    ITicketStore store,
    IAttachmentStore attachments,
    TimeProvider time,
    IOptions<TicketHistoryOptions> historyOptions,
    ILogger<TicketLifecycleService> logger)
{
    public Task<Outcome<Ticket>> ReadAsync(Caller caller, TicketRequest request, CancellationToken cancellationToken) =>
        GuardAsync<Ticket>("reading a ticket", caller, request.ObjectId, async () =>
        {
            var queryErrors = new ValidationErrors();
            var includeDeleted = DeletedTickets.ParseIncludeDeleted(request.IncludeDeleted, queryErrors);
            var access = await tickets.OpenAsync(caller, request.Headers, request.ObjectId, TicketOperation.Read, "read ticket", cancellationToken,
                queryErrors, includeDeleted);
            return access.Error is not null ? access.Error : SlaClocks.Observe(access.Value!.Ticket, time.GetUtcNow());
        });

    public Task<Outcome<TicketHistoryView>> HistoryAsync(Caller caller, TicketHistoryRequest request, CancellationToken cancellationToken) =>
        GuardAsync<TicketHistoryView>("reading a ticket's history", caller, request.ObjectId, async () =>
        {
            var queryErrors = new ValidationErrors();
            var page = HistoryPage.Parse(request.Limit, request.After, queryErrors);
            var access = await OpenAsync(caller, request.Headers, request.ObjectId, write: false, "read ticket history", cancellationToken, queryErrors);
            if (access.Error is not null) return access.Error;
            var ticket = access.Value!.Ticket;
            // The ticket carries the newest entries; the archive is read only for the part of the page older than
            // those, and only that part of it (one range query, whatever the page's position).
            var firstEmbedded = ticket.History.Count > 0 ? ticket.History.Min(e => e.Version) : int.MaxValue;
            var archived = page.After + 1 < firstEmbedded && TicketHistory.MayHaveArchive(ticket.History)
                ? await store.GetHistoryArchiveAsync(ticket.TenantId, ticket.Id, page.After, Math.Min(page.Through, firstEmbedded - 1), cancellationToken)
                : [];
            var (entries, nextAfter) = page.Take(TicketHistory.Merge(archived, ticket.History), historyOptions.Value.MaxPageBytes, ticket.Version);
            return new TicketHistoryView(ticket.ObjectId, entries, nextAfter);
        });

    public Task<Outcome<Ticket>> UpdateAsync(Caller caller, UpdateTicketRequest request, CancellationToken cancellationToken) =>
        GuardAsync<Ticket>("updating a ticket", caller, request.ObjectId, async () =>
        {
            var access = await OpenAsync(caller, request.Headers, request.ObjectId, write: true, "update ticket", cancellationToken);
            if (access.Error is not null) return access.Error;
            var (catalog, current, type) = access.Value!;

            // The same limits as create: 413 over the size limit, 400 for bodies too deep, too long or not JSON.
            var errors = new ValidationErrors();
            var read = await bodies.ReadAsync(request.Body, request.ContentLength, request.ContentType, cancellationToken);
            if (read.Error is { Kind: ApiErrorKind.InvalidInput } unreadable)
            {
                TicketUpdateValidator.ParseIfMatch(request.IfMatch, errors);
                foreach (var (key, messages) in unreadable.Reasons ?? new Dictionary<string, List<string>>()) errors.AddAll(key, messages);
                return ApiError.Invalid(errors);
            }
            if (read.Error is not null) return read.Error;
            TicketUpdate? update;
            using (var body = read.Value!)
            {
                // Assigning is a permission of its own: refused before the body's details are looked at.
                if (WorkUpdateValidator.Assigns(body.RootElement) && !Permissions.CanAssign(caller)) return ApiError.PermissionDenied("assign ticket");
                update = TicketUpdateValidator.Validate(body.RootElement, request.IfMatch, current, catalog, type, errors, bodies.Limits.MaxTicketBodyKeys);
                var work = WorkUpdateValidator.Validate(body.RootElement, current, type, caller, errors);
                if (update is not null) update = update with { Work = work };
            }
            if (update is null || errors.Count > 0) return ApiError.Invalid(errors);

            if (update.Etag is null) return ApiError.EtagRequired;
            if (!string.Equals(update.Etag, current.Etag, StringComparison.Ordinal)) return ApiError.EtagMismatch;

            // Attachments and relation are checked against the stores only now, for a current etag.
            var now = time.GetUtcNow();
            ResolvedLinks? links = null;
            var toLink = new List<string>();
            if (update.AttachmentLinks.Count > 0 || update.RelationSent)
            {
                links = await TicketLinks.ResolveForUpdateAsync(store, attachments, caller, catalog, current, update, now, errors, toLink,
                    cancellationToken);
                if (links is null) return ApiError.Invalid(errors);
            }

            var revision = TicketUpdater.Apply(current, update, caller, now, links);
            if (revision is null) return SlaClocks.Observe(current, now); // nothing changes: nothing is written, the etag stays valid
            // Linked to this ticket before it names them: a lost race below leaves them linked to it, which a retry accepts.
            if (!await AttachmentLinks.LinkAsync(attachments, current.TenantId, current.Id, toLink, errors, cancellationToken)) return ApiError.Invalid(errors);

            // One document write carries the change and its history entry. Past the cap, the oldest entries are
            // archived first (about once every cap/2 writes), so no entry is ever in neither place.
            var split = HistoryCompaction.Compact(revision.Ticket.History, historyOptions.Value);
            if (split.Archive.Count > 0)
                await store.AppendHistoryArchiveAsync(current.TenantId, current.Id, split.Archive, cancellationToken);
            var updated = revision.Ticket with { History = split.Keep };
            try
            {
                await store.ReplaceTicketAsync(updated, current.Etag, cancellationToken);
            }
            catch (EtagMismatchException)
            {
                // Another write won between our read and our write.
                logger.LogInformation("Update of ticket {ObjectId} lost the race for etag; 412", current.ObjectId);
                return ApiError.EtagMismatch;
            }
            logger.LogInformation("Updated ticket {ObjectId} to version {Version}; {Archived} history entries archived",
                current.ObjectId, updated.Version, split.Archive.Count);
            return SlaClocks.Observe(updated, now);
        });

    /// <summary>The checks every operation on an existing ticket shares, up to its access (403).</summary>
    private Task<Outcome<TicketAccess>> OpenAsync(Caller caller, RequestHeaders headers, string objectId, bool write, string operation, CancellationToken cancellationToken,
        ValidationErrors? queryErrors = null) =>
        tickets.OpenAsync(caller, headers, objectId, write ? TicketOperation.Write : TicketOperation.Read, operation, cancellationToken, queryErrors);

    /// <summary>Runs one operation in a log scope with the tenant and the objectId, and maps store unavailability to 503.</summary>
    private async Task<Outcome<T>> GuardAsync<T>(string action, Caller caller, string objectId, Func<Task<Outcome<T>>> operation)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["TenantId"] = caller.TenantId ?? "", ["ObjectId"] = Loggable(objectId) });
        try
        {
            return await operation();
        }
        catch (StoreUnavailableException ex)
        {
            logger.LogWarning("Store unavailable while {Action}; retry after {RetryAfter}", action, ex.RetryAfter);
            return ApiError.Unavailable(ex.RetryAfter);
        }
    }

    /// <summary>The objectId comes from the URL: logged only when it looks like a display id.</summary>
    private static string Loggable(string objectId) =>
        objectId.Length is > 0 and <= 64 && objectId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? objectId : "(not a display id)";
}
