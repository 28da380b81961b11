namespace TicketingFunctions.Tickets.Webhooks;

/// <summary>
/// When a failed delivery is tried again: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after each failure, then
/// every 10 h, never sooner than the endpoint's <c>Retry-After</c> asked (capped at the schedule's longest step); an
/// endpoint that has failed for <see cref="WebhookOptions.DisableAfter"/> without a success in between is disabled.
/// </summary>
public static class WebhookRetrySchedule
{
    public static readonly IReadOnlyList<TimeSpan> Delays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    public static TimeSpan Longest => Delays[^1];

    /// <summary>The wait after the <paramref name="failures"/>-th failure in a row (1 for the first).</summary>
    public static TimeSpan DelayAfter(int failures, TimeSpan? retryAfter)
    {
        var scheduled = Delays[Math.Clamp(failures - 1, 0, Delays.Count - 1)];
        if (retryAfter is not { } asked) return scheduled;
        var honoured = asked > Longest ? Longest : asked;
        return honoured > scheduled ? honoured : scheduled;
    }

    /// <summary>
    /// The delivery state after a failed attempt at <paramref name="now"/>: one more failure, the next attempt's time,
    /// the first failure's time kept; <c>Disable</c> when the endpoint has failed for <paramref name="disableAfter"/>.
    /// </summary>
    public static (WebhookDeliveryState State, bool Disable) AfterFailure(WebhookDeliveryState state, DateTimeOffset now, TimeSpan? retryAfter,
        string error, TimeSpan disableAfter)
    {
        var failures = state.Attempts + 1;
        var failingSince = state.FailingSince ?? TicketFactory.Timestamp(now);
        var disable = now - TicketSla.Parse(failingSince) >= disableAfter;
        var next = disable ? null : TicketFactory.Timestamp(now + DelayAfter(failures, retryAfter));
        return (state with { Attempts = failures, NextAttemptAt = next, FailingSince = failingSince, LastError = error }, disable);
    }

    /// <summary>A <c>Retry-After</c> as a wait from <paramref name="now"/>: seconds, or an HTTP date (a date past is no wait).</summary>
    public static TimeSpan? RetryAfterOf(System.Net.Http.Headers.RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };
}
