using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Api;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Functions;
using TicketingFunctions.OpenApi;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Hosting;

/// <summary>The one service registration both hosts share.</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddTicketing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        // No "Server: Kestrel" from either host's Kestrel (the worker's, behind the Functions host, too): an answer
        // need not name the software that gave it.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        services.Configure<CatalogOptions>(configuration.GetSection(CatalogOptions.SectionName));
        services.Configure<TicketHistoryOptions>(configuration.GetSection(TicketHistoryOptions.SectionName));
        services.Configure<RequestLimits>(configuration.GetSection(RequestLimits.SectionName));
        // A malformed key stops the start, naming the setting, rather than failing the first listing.
        TicketListOptions.ParseKey(configuration[$"{TicketListOptions.SectionName}:{nameof(TicketListOptions.ContinuationTokenKey)}"]);
        services.Configure<TicketListOptions>(configuration.GetSection(TicketListOptions.SectionName));
        services.AddSingleton<JsonBodyReader>();
        services.AddRealmAuthentication(configuration);
        services.AddTicketStore(configuration);
        services.AddAttachmentStore(configuration);
        services.AddHostedService<CatalogSeeder>();

        services.AddSingleton<RequestAuthenticator>();
        services.AddSingleton<CatalogProvider>();
        services.AddSingleton<TenantGate>();
        services.AddSingleton<CatalogQueryService>();
        services.AddSingleton<CreateTicketService>();
        services.AddSingleton<TicketAccessor>();
        services.AddSingleton<RevisionSaver>();
        services.AddSingleton<TicketLifecycleService>();
        services.AddSingleton<TicketDeletionService>();
        services.AddSingleton<MoveTicketService>();
        services.AddSingleton<AttachmentService>();
        services.AddSingleton<ContinuationTokens>();
        services.AddSingleton<TicketListService>();
        services.Configure<CommentOptions>(configuration.GetSection(CommentOptions.SectionName));
        services.AddSingleton<TicketingFunctions.Services.TicketCommentService>();
        services.Configure<EventOptions>(configuration.GetSection(EventOptions.SectionName));
        services.AddSingleton<EventFeedService>();
        services.AddSingleton<EventMaintenance>();
        services.AddWebhooks(configuration);
        services.AddSingleton<RequestPipeline>();
        services.AddSingleton<RequestLog>();
        services.AddSingleton<OpenApiDescription>();
        return services;
    }
}
