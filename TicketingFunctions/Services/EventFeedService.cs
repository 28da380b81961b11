using System.Globalization;
using System.Text;
using System.Text.Json;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Services;

/// <summary>A page of the feed as the API answers it, and whether tickets carry their <c>data</c>.</summary>
public sealed record EventFeedResult(EventFeedResponse Response, bool IncludeData);

/// <summary>
/// Serves a tenant's event feed. After the request pipeline's checks (token, headers and <see cref="EventFeedParameters"/>
/// 400, tenant 404, read scope 401), the first failure winning: not a tenant admin or mapped application 403 → cursor
/// 400. A page examines at most <see cref="EventFeedParameters.PageSize"/> events from the cursor on and serves those
/// that meet the filters, so its cost is the same wherever it is; it may hold fewer (even none) while
/// <c>hasMore</c> is true. The cursor is the position after the page, bound (as the list's continuation token is)
/// to the tenant and the filters.
/// </summary>
public sealed class EventFeedService(ITicketEventStore store, ContinuationTokens tokens)
{
    public async Task<Outcome<EventFeedResult>> ReadAsync(CheckedCaller checkedCaller, EventFeedParameters parameters, CancellationToken cancellationToken)
    {
        if (!Permissions.CanReadEvents(checkedCaller.Caller)) return ApiError.ForbiddenEvents;
        var tenantId = checkedCaller.TenantId;
        var binding = Binding(tenantId, parameters);
        long after = 0;
        if (parameters.After is { } cursor)
        {
            var position = tokens.Unprotect(binding, cursor);
            if (position is null || !long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out after))
            {
                var errors = new ValidationErrors();
                errors.Add(EventFeedParameters.AfterParameter,
                    "Query parameter after is not a cursor of this feed (same tenant, types and teams)");
                return ApiError.Invalid(errors, "The request headers or query parameters are invalid");
            }
        }

        var page = await store.ReadEventsAsync(tenantId, after, parameters.PageSize, cancellationToken);
        var events = new List<TicketCloudEvent>(page.Events.Count);
        foreach (var stored in page.Events)
            if (Matches(stored.Event, parameters)) events.Add(Envelope(stored, parameters.IncludeData));
        var next = tokens.Protect(binding, page.Next.ToString(CultureInfo.InvariantCulture));
        return new EventFeedResult(new EventFeedResponse(events, next, page.HasMore), parameters.IncludeData);
    }

    /// <summary>The event as CloudEvents JSON: the ticket as a read answers it at the event's time (SLA states as of then).</summary>
    public static TicketCloudEvent Envelope(StoredTicketEvent stored, bool includeData)
    {
        var e = stored.Event;
        if (stored.TicketJson.IsEmpty)   // an event of no ticket: webhook.disabled
            return new TicketCloudEvent(e.Id, TicketCloudEvent.EventSource, e.Type, e.ObjectId, e.Time, e.TenantId, e.Sequence,
                new TicketEventData(null, null, null, Subscription: e.Subscription));
        var ticket = includeData
            ? JsonSerializer.Deserialize(stored.TicketJson.Span, TicketJsonContext.Default.Ticket)!
            : TicketWithoutData.Read(stored.TicketJson.Span);
        var observed = SlaClocks.Observe(ticket, TicketSla.Parse(e.Time));
        return new TicketCloudEvent(e.Id, TicketCloudEvent.EventSource, e.Type, e.ObjectId, e.Time, e.TenantId, e.Sequence,
            new TicketEventData(observed, e.Changes, e.Sla, e.Move, e.Comment));
    }

    private static bool Matches(TicketEvent e, EventFeedParameters parameters) =>
        (parameters.Types.Count == 0 || parameters.Types.Contains(e.Type, StringComparer.Ordinal)) &&
        (parameters.TeamIds.Count == 0 || parameters.TeamIds.Contains(e.TeamId, StringComparer.Ordinal));

    /// <summary>What a cursor is bound to: the feed, the tenant and the filters (not the page size or includeData).</summary>
    /// <summary>The position a cursor of the tenant's unfiltered feed stands for (a webhook replay's start); null when it is not one.</summary>
    public long? PositionOf(string tenantId, string cursor) =>
        tokens.Unprotect(Binding(tenantId, new EventFeedParameters()), cursor) is { } text &&
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : null;

    private static byte[] Binding(string tenantId, EventFeedParameters parameters) =>
        Encoding.UTF8.GetBytes("TicketingFunctions/event-feed/v1\n" + tenantId + "\n" + parameters.CanonicalFilters());
}
