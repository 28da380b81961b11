using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TicketingFunctions.Services;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Hosting;

/// <summary>Webhook subscriptions and their delivery, under both hosts (the standalone host adds <see cref="WebhookDeliveryService"/>).</summary>
public static class WebhookRegistration
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.SectionName));
        services.TryAddSingleton<IWebhookHostResolver, DnsWebhookHostResolver>();
        services.AddSingleton<WebhookAddressGuard>();
        services.AddSingleton<WebhookSubscriptionService>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDispatcher>();
        // Delivery's two drivers, on one dispatcher: the Functions host's timer and queue trigger resolve the queue (its
        // client is made then, so the standalone host, whose hosted service drives delivery, needs no storage at all).
        services.AddSingleton(sp => new WebhookDeliveryQueue(WebhookQueueClient.Create(configuration),
            sp.GetRequiredService<WebhookDispatcher>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<WebhookDeliveryQueue>>()));
        return services;
    }
}
