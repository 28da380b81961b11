using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TicketingFunctions.Services;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Hosting;

/// <summary>Webhook subscriptions and their delivery, under both hosts.</summary>
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
        return services;
    }
}
