using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Services;

/// <summary>
/// Delivers the tenants' events to their subscriptions. Each subscription is its own work item: it reads the tenant's
/// feed after the subscription's cursor a page at a time (a read in the tenant's partition), passes the events it does
/// not want, sends those it wants one after the other and moves the cursor past them only after their 2xx (one save per
/// page, with one write of the page's log), so every event the feed holds reaches it at least once, in feed order (per
/// ticket, <c>sequence</c> never goes backwards in what one subscription receives). A failure
/// stops that subscription alone until its next attempt is due (<see cref="WebhookRetrySchedule"/>); the others go on.
/// At most <see cref="WebhookOptions.MaxConcurrentDeliveries"/> requests are in flight in this process, each bounded by
/// <see cref="WebhookSender.Timeout"/>, so a hanging endpoint holds one slot for 10 s at most and never queues another
/// subscription's events behind its own.
/// </summary>
public sealed partial class WebhookDispatcher : IDisposable
{
    /// <summary>How many feed events a page reads: one read, one cursor save and one log write for up to this many deliveries.</summary>
    public const int PageSize = 50;

    private readonly IWebhookStore _store;
    private readonly ITicketEventStore _events;
    private readonly WebhookSender _sender;
    private readonly TimeProvider _time;
    private readonly WebhookOptions _options;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly int _logTtlSeconds;

    public WebhookDispatcher(IWebhookStore store, ITicketEventStore events, WebhookSender sender, TimeProvider time,
        IOptions<WebhookOptions> options, IOptions<TicketingFunctions.Tickets.Events.EventOptions> eventOptions, ILogger<WebhookDispatcher> logger)
    {
        (_store, _events, _sender, _time, _options, _logger) = (store, events, sender, time, options.Value, logger);
        _logTtlSeconds = (int)eventOptions.Value.Retention.TotalSeconds;
        _slots = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentDeliveries));
    }

    /// <summary>Starts a work item for each active subscription that is due and not already running; returns how many started.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var started = 0;
        var now = _time.GetUtcNow();
        foreach (var tenantId in await _events.ListTenantsAsync(cancellationToken))
            foreach (var stored in await _store.ListWebhooksAsync(tenantId, cancellationToken))
                if (IsDue(stored.Subscription, now) && Start(stored.Subscription, cancellationToken)) started++;
        return started;
    }

    /// <summary>
    /// The active subscriptions that are due and have work: an event in the feed after their cursor, or a redelivery
    /// asked. One read of one event per distinct cursor of a tenant (caught-up subscriptions share theirs). The
    /// Functions timer enqueues one delivery message for each (<see cref="WebhookDeliveryQueue"/>).
    /// </summary>
    public async Task<IReadOnlyList<WebhookSubscription>> FindDueWorkAsync(CancellationToken cancellationToken)
    {
        var due = new List<WebhookSubscription>();
        var now = _time.GetUtcNow();
        foreach (var tenantId in await _events.ListTenantsAsync(cancellationToken))
        {
            var hasEventsAfter = new Dictionary<long, bool>();
            foreach (var stored in await _store.ListWebhooksAsync(tenantId, cancellationToken))
            {
                var subscription = stored.Subscription;
                if (!IsDue(subscription, now)) continue;
                if (subscription.Delivery.Redeliver.Count == 0)
                {
                    var cursor = subscription.Delivery.Cursor;
                    if (!hasEventsAfter.TryGetValue(cursor, out var any))
                        hasEventsAfter[cursor] = any = (await _events.ReadEventsAsync(tenantId, cursor, 1, cancellationToken)).Events.Count > 0;
                    if (!any) continue;
                }
                due.Add(subscription);
            }
        }
        return due;
    }

    /// <summary>
    /// One subscription's pass (<see cref="DeliverAsync"/>), awaited here: a queue message's work. False, without a pass,
    /// when this process runs that subscription already (a duplicate message: the running pass delivers what is due).
    /// A failure propagates, so the queue tries the message again.
    /// </summary>
    public async Task<bool> DeliverExclusiveAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var key = KeyOf(tenantId, id);
        if (Enter(key) is not { } gate) return false;
        try
        {
            await DeliverAsync(tenantId, id, cancellationToken);
            return true;
        }
        finally
        {
            Leave(key, gate);
        }
    }

    private static string KeyOf(string tenantId, string id) => tenantId + "/" + id;

    /// <summary>Marks the subscription's pass as running in this process; null when one runs already.</summary>
    private TaskCompletionSource? Enter(string key)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _running.TryAdd(key, gate.Task) ? gate : null;
    }

    private void Leave(string key, TaskCompletionSource gate)
    {
        _running.TryRemove(key, out _);
        gate.SetResult();
    }

    /// <summary>Waits for the work items running now (tests).</summary>
    public Task DrainAsync() => Task.WhenAll(_running.Values);

    private static bool IsDue(WebhookSubscription subscription, DateTimeOffset now) =>
        subscription.Status == WebhookStatus.Active &&
        (subscription.Delivery.NextAttemptAt is not { } next || TicketSla.Parse(next) <= now);

    private bool Start(WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        // The work reads the subscription again: a pass that just ended may have moved its cursor since it was listed.
        var key = KeyOf(subscription.TenantId, subscription.Id);
        if (Enter(key) is not { } gate) return false;
        _ = Task.Run(async () =>
        {
            try
            {
                await DeliverAsync(subscription.TenantId, subscription.Id, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The host is stopping: the cursor is where the last success left it.
            }
            catch (Exception e)
            {
                // A store outage, say: the next pass starts this subscription again from its stored cursor.
                LogWorkFailed(_logger, subscription.Id, e.GetType().Name);
            }
            finally
            {
                Leave(key, gate);
            }
        }, CancellationToken.None);
        return true;
    }

    /// <summary>One subscription's work: deliver what it wants, in feed order, until the feed has nothing more or an attempt fails.</summary>
    public async Task DeliverAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        await DeliverAsync(await _store.GetWebhookAsync(tenantId, id, cancellationToken), cancellationToken);

    /// <summary>
    /// The work from the subscription as read: a page at a time (<see cref="DeliverPageAsync"/>), each page's save giving
    /// the subscription the next one starts from, so a pass reads the subscription once, not once per event. What the
    /// API changed meanwhile (a pause, a deletion, a new URL or secret) shows at that save, so it takes effect at the next page.
    /// </summary>
    private async Task DeliverAsync(StoredWebhook? stored, CancellationToken cancellationToken)
    {
        var more = true;
        while (more && stored is { } current && IsDue(current.Subscription, _time.GetUtcNow()))
            (stored, more) = current.Subscription.Delivery.Redeliver.Count > 0
                ? await RedeliverAsync(current, cancellationToken)
                : await DeliverPageAsync(current, cancellationToken);
    }

    /// <summary>
    /// One page of the feed after the cursor: sends the events the subscription wants, in order, stopping at the first
    /// failure; then logs the page's attempts in one write and saves the cursor once, past every event sent with a 2xx
    /// or passed (not wanted). The log is written first: a crash between the two sends the page's events again (at least
    /// once, same <c>webhook-id</c>), never moves a cursor over attempts the log lacks. A crash during the page loses
    /// nothing either: the cursor is still before it. Returns the subscription as saved, and whether to go on.
    /// </summary>
    private async Task<(StoredWebhook? Stored, bool More)> DeliverPageAsync(StoredWebhook stored, CancellationToken cancellationToken)
    {
        var subscription = stored.Subscription;
        var read = subscription.Delivery;
        var page = await _events.ReadEventsAsync(subscription.TenantId, read.Cursor, PageSize, cancellationToken);
        var cursor = read.Cursor;
        var attempts = new List<WebhookAttempt>();
        WebhookAttemptResult? failure = null;
        foreach (var e in page.Events)
        {
            if (string.CompareOrdinal(e.Event.Time, subscription.DeliverFrom) >= 0 && subscription.Wants(e.Event.Type, e.Event.TeamId))
            {
                var (result, attempt) = await SendAsync(subscription, e, cancellationToken);
                attempts.Add(attempt);
                if (!result.Success)
                {
                    failure = result;
                    break;
                }
            }
            cursor = e.Event.Position;
        }
        if (failure is null) cursor = Math.Max(cursor, page.Next);
        if (attempts.Count > 0) await _store.AppendAttemptsAsync(attempts, cancellationToken);

        // A success ends a run of failures: the state starts afresh from it.
        var delivered = attempts.Count > (failure is null ? 0 : 1);
        var state = delivered ? new WebhookDeliveryState { Cursor = cursor } : read with { Cursor = cursor };
        if (failure is null)
        {
            if (!delivered && cursor == read.Cursor) return (stored, false);   // nothing after the cursor
            var saved = await SaveAsync(stored, state, disable: false, cancellationToken);
            // Go on while the feed has more, or when a replay moved the cursor or asked a redelivery meanwhile.
            return (saved, page.HasMore || saved is { Subscription.Delivery: var now } && (now.Cursor != cursor || now.Redeliver.Count > 0));
        }
        await FailAsync(stored, state, failure, cancellationToken);
        return (null, false);
    }

    /// <summary>
    /// Sends the first event asked to be delivered again (by its feed position, outside the cursor's order); on success
    /// drops it from the list, on failure schedules a retry as for any event. An event the feed no longer holds is dropped.
    /// Returns the subscription as saved and whether to go on.
    /// </summary>
    private async Task<(StoredWebhook? Stored, bool More)> RedeliverAsync(StoredWebhook stored, CancellationToken cancellationToken)
    {
        var subscription = stored.Subscription;
        var position = subscription.Delivery.Redeliver[0];
        var page = await _events.ReadEventsAsync(subscription.TenantId, position - 1, 1, cancellationToken);
        var remaining = subscription.Delivery with { Redeliver = [.. subscription.Delivery.Redeliver.Skip(1)] };
        if (page.Events is not [var e] || e.Event.Position != position)
            return (await SaveAsync(stored, remaining, disable: false, cancellationToken), true);
        var (result, attempt) = await SendAsync(subscription, e, cancellationToken);
        await _store.AppendAttemptsAsync([attempt], cancellationToken);
        if (result.Success)
            return (await SaveAsync(stored, remaining with { Attempts = 0, NextAttemptAt = null, FailingSince = null, LastError = null }, disable: false, cancellationToken), true);
        await FailAsync(stored, subscription.Delivery, result, cancellationToken);
        return (null, false);
    }

    /// <summary>
    /// A failed attempt, from a page or a redelivery alike: schedules the retry (<see cref="WebhookRetrySchedule"/>), or,
    /// when the endpoint has failed too long, records <c>webhook.disabled</c>, saves the disabled status and logs it.
    /// </summary>
    private async Task FailAsync(StoredWebhook stored, WebhookDeliveryState state, WebhookAttemptResult failure, CancellationToken cancellationToken)
    {
        var subscription = stored.Subscription;
        var (failed, disable) = WebhookRetrySchedule.AfterFailure(state, _time.GetUtcNow(), failure.RetryAfter, failure.Error ?? "failed", _options.DisableAfter);
        await RecordDisabledAsync(stored, failed, disable, cancellationToken);
        await SaveAsync(stored, failed, disable, cancellationToken);
        if (disable) LogDisabled(_logger, subscription.TenantId, subscription.Id, failed.FailingSince!);
    }

    /// <summary>One attempt, in one of the process's delivery slots, and its row for the delivery log (written by the caller).</summary>
    private async Task<(WebhookAttemptResult Result, WebhookAttempt Attempt)> SendAsync(WebhookSubscription subscription, StoredTicketEvent e, CancellationToken cancellationToken)
    {
        WebhookAttemptResult result;
        var at = _time.GetUtcNow();
        await _slots.WaitAsync(cancellationToken);
        try
        {
            result = await _sender.SendAsync(subscription, e, cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
        return (result, new WebhookAttempt
        {
            Id = WebhookAttempt.NewId(at),
            TenantId = subscription.TenantId,
            WebhookId = subscription.Id,
            EventId = e.Event.Id,
            EventType = e.Event.Type,
            EventPosition = e.Event.Position,
            AttemptedAt = TicketFactory.Timestamp(at),
            Success = result.Success,
            Status = result.Status,
            Error = result.Error,
            LatencyMs = result.LatencyMs,
            Response = result.ResponseStart,
            Ttl = _logTtlSeconds,
        });
    }

    /// <summary>
    /// Puts the <c>webhook.disabled</c> event in the tenant's feed before the disabled status is saved: a crash between
    /// the two disables again on the next pass, with the same failing-since time, so the same event id (recorded once).
    /// </summary>
    private async Task RecordDisabledAsync(StoredWebhook stored, WebhookDeliveryState failed, bool disable, CancellationToken cancellationToken)
    {
        var subscription = stored.Subscription;
        if (!disable || subscription.Status != WebhookStatus.Active || failed.FailingSince is not { } failingSince) return;
        await _events.AppendEventAsync(TicketEvent.WebhookDisabled(subscription.TenantId, subscription.Id, subscription.Url, failingSince,
            TicketFactory.Timestamp(_time.GetUtcNow())), cancellationToken);
    }

    /// <summary>
    /// Stores the delivery state (and, when the endpoint failed too long, the disabled status), conditionally on the
    /// subscription as read; when the API changed it meanwhile, applies the state to what is stored now. Returns the
    /// subscription as stored after it: the one written, or, when a replay moved the cursor meanwhile, that one (the
    /// replay wins); null when it was deleted meanwhile.
    /// </summary>
    private async Task<StoredWebhook?> SaveAsync(StoredWebhook stored, WebhookDeliveryState state, bool disable, CancellationToken cancellationToken)
    {
        var read = stored.Subscription.Delivery;
        var consumed = read.Redeliver.Except(state.Redeliver).ToHashSet();
        for (var attempt = 0; ; attempt++)
        {
            var subscription = stored.Subscription with
            {
                Delivery = state,
                Status = disable && stored.Subscription.Status == WebhookStatus.Active ? WebhookStatus.Disabled : stored.Subscription.Status,
            };
            try
            {
                return await _store.ReplaceWebhookAsync(subscription, stored.StoreEtag, cancellationToken);
            }
            catch (EtagMismatchException) when (attempt < 5)
            {
                var again = await _store.GetWebhookAsync(stored.Subscription.TenantId, stored.Subscription.Id, cancellationToken);
                if (again is null) return null;   // deleted meanwhile: nothing to keep
                // A replay moved the cursor meanwhile: it wins, and delivery goes on from there.
                if (again.Subscription.Delivery.Cursor != read.Cursor) return again;
                // Redeliveries asked meanwhile are kept; those this save sent are dropped.
                state = state with { Redeliver = [.. again.Subscription.Delivery.Redeliver.Where(p => !consumed.Contains(p))] };
                stored = again;
            }
        }
    }

    public void Dispose() => _slots.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} of tenant {TenantId} is disabled: its endpoint has failed since {FailingSince}")]
    private static partial void LogDisabled(ILogger logger, string tenantId, string webhookId, string failingSince);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId}: its delivery stopped ({ExceptionType}); the next pass resumes it")]
    private static partial void LogWorkFailed(ILogger logger, string webhookId, string exceptionType);
}
