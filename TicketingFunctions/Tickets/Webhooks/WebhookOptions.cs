namespace TicketingFunctions.Tickets.Webhooks;

/// <summary>Settings of webhook delivery (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>Development only: lets a subscription's URL be http or https on a loopback address (a receiver on the same machine).</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>How long a rotated-out secret still signs deliveries beside the new one, in hours.</summary>
    public int SecretOverlapHours { get; set; } = 24;

    /// <summary>How many deliveries run at once in this process (each subscription's own queue is one at a time).</summary>
    public int MaxConcurrentDeliveries { get; set; } = 16;

    /// <summary>How often the standalone host looks for events to deliver, in milliseconds (0 turns delivery off).</summary>
    public int PollIntervalMilliseconds { get; set; } = 1000;

    /// <summary>An endpoint failing without a success for this long is disabled.</summary>
    public int DisableAfterDays { get; set; } = 5;

    /// <summary>The most subscriptions a tenant may have.</summary>
    public int MaxSubscriptionsPerTenant { get; set; } = 20;

    public TimeSpan SecretOverlap => TimeSpan.FromHours(Math.Max(0, SecretOverlapHours));
    public TimeSpan DisableAfter => TimeSpan.FromDays(Math.Max(1, DisableAfterDays));
}
