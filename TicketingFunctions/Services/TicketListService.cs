using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Services;

/// <summary>
/// Lists a tenant's tickets. After the request pipeline's checks (token, headers and <see cref="TicketListParameters"/>
/// 400, tenant 404, read permission 401), the first failure winning: deletedSince permission 401 → continuation token
/// 400. The listing holds exactly the tickets the caller could read one by one (<see cref="TicketVisibility"/>), filtered.
/// </summary>
public sealed class TicketListService(ITicketStore store, ContinuationTokens tokens, TimeProvider time)
{
    public async Task<Outcome<TicketListResult>> ListAsync(CheckedCaller checkedCaller, TicketListParameters parameters, CancellationToken cancellationToken)
    {
        var (caller, catalog, _) = checkedCaller;
        if (parameters.DeletedSince is not null && !Permissions.CanSeeDeleted(caller)) return ApiError.PermissionDenied("list deleted tickets");

        var now = time.GetUtcNow();
        var query = BuildQuery(caller, catalog, parameters, now);
        byte[] binding = [.. query.Canonical(), (byte)'\n', .. parameters.CanonicalFilters()];
        if (parameters.ContinuationToken is { } token)
        {
            var position = tokens.Unprotect(binding, token);
            if (position is null)
            {
                var errors = new ValidationErrors();
                errors.Add(TicketListParameters.ContinuationTokenParameter,
                    "Query parameter continuationToken is not a continuation token of this listing (same tenant, filters, sort and order)");
                return ApiError.Invalid(errors, "The request headers or query parameters are invalid");
            }
            query = query with { Position = position };
        }

        if (query.MatchesNothing) return new TicketListResult(new TicketPage([], null), null, parameters.IncludeData);
        var page = await store.ListTicketsAsync(query, cancellationToken);
        var next = page.NextPosition is null ? null : tokens.Protect(binding, page.NextPosition);
        return new TicketListResult(page.ObservedAt(now), next, parameters.IncludeData);
    }

    /// <summary>The caller's visibility first, then the requested filters, in a fixed order (the token binds to it).</summary>
    private static TicketListQuery BuildQuery(Caller caller, Catalog.CatalogIndex catalog, TicketListParameters parameters, DateTimeOffset now)
    {
        var filters = new List<TicketFilter>();
        if (TicketVisibility.Teams(caller, parameters.TeamIds) is { } teams) filters.Add(teams);
        if (TicketVisibility.Types(caller, catalog, parameters.ItemTypeIds) is { } types) filters.Add(types);
        if (parameters.StatusType is { } statusType) filters.Add(new AnyOfFilter(TicketField.StatusType, [statusType]));
        if (parameters.StatusCategory is { } statusCategory) filters.Add(new AnyOfFilter(TicketField.StatusCategory, [statusCategory]));
        // "me" is the caller's identity (issuer and subject), never a name another caller may share; a token without a
        // subject owns no ticket, and its key (never stored) matches none.
        if (parameters.SubmittedBy is { } submittedBy)
            filters.Add(submittedBy == TicketListParameters.Me
                ? new AnyOfFilter(TicketField.SubmittedById, [caller.Identity.Key])
                : new AnyOfFilter(TicketField.SubmittedBy, [submittedBy]));
        if (parameters.CreatedFrom is not null || parameters.CreatedTo is not null)
            filters.Add(new RangeFilter(TicketField.CreatedAt, parameters.CreatedFrom, parameters.CreatedTo));
        if (parameters.UpdatedSince is { } since) filters.Add(new RangeFilter(TicketField.UpdatedAt, since, null));
        if (parameters.ActiveAfter is not null || parameters.ActiveBefore is not null)
            filters.Add(new RangeFilter(TicketField.LastActivityAt, parameters.ActiveAfter, parameters.ActiveBefore));
        if (parameters.Text is { } text) filters.Add(new ContainsTextFilter([TicketField.Summary, TicketField.ObjectId], text));
        if (parameters.Assignee is { } assignee)
            filters.Add(assignee switch
            {
                TicketListParameters.None => new MissingFilter(TicketField.Assignee),
                TicketListParameters.Me => new AnyOfFilter(TicketField.Assignee, [caller.Username]),
                _ => new AnyOfFilter(TicketField.Assignee, [assignee]),
            });
        if (parameters.SlaBreached) filters.Add(new SlaBreachedFilter(TicketFactory.Timestamp(now)));
        if (parameters.RelatedTo is { } target) filters.Add(new AnyOfFilter(TicketField.RelatedTo, [target]));
        // A tombstone answers 308 to its successor, which is listed itself: tombstones only for a client that asks.
        if (!parameters.IncludeMoved) filters.Add(new MissingFilter(TicketField.MovedTo));
        // Deleted tickets are gone from the API, as on a read: only a tenant admin who asks lists them too, and a sync
        // client's deletedSince (admins only, checked above) lists nothing else, oldest deletion first.
        if (parameters.DeletedSince is { } deletedSince)
            return new TicketListQuery(caller.TenantId!, [.. filters, new DeletedSinceFilter(deletedSince)], TicketSort.DeletedSeq, Descending: false, parameters.PageSize)
            {
                IncludeData = parameters.IncludeData,
            };
        if (!(parameters.IncludeDeleted && Permissions.CanSeeDeleted(caller))) filters.Add(NotDeletedFilter.Instance);
        return new TicketListQuery(caller.TenantId!, filters, parameters.Sort, parameters.Descending, parameters.PageSize)
        {
            IncludeData = parameters.IncludeData,
        };
    }
}
