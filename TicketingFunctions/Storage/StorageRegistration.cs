using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace TicketingFunctions.Storage;

public static class StorageRegistration
{
    /// <summary>True when <c>CosmosDb__Endpoint</c> is set, so the app keeps its data in Cosmos DB.</summary>
    public static bool UsesCosmos(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{CosmosOptions.SectionName}:{nameof(CosmosOptions.Endpoint)}"]);

    /// <summary>
    /// The Cosmos DB store when <c>CosmosDb__Endpoint</c> is set, otherwise the embedded store in the local data folder
    /// (<see cref="LocalDataFolder"/>, opened when first used: the host's start-up, through the catalog seeding).
    /// For Cosmos, the settings are checked now (no network call); the client is built on first use, and
    /// <see cref="CosmosStartup"/> creates the database (<c>CosmosDb__CreateIfNotExists</c>) and seeds
    /// <c>Catalog__SeedFile</c> when the host starts.
    /// </summary>
    public static IServiceCollection AddTicketStore(this IServiceCollection services, IConfiguration configuration)
    {
        if (!UsesCosmos(configuration))
        {
            services.AddLocalDataFolder(configuration);
            services.AddSingleton<EmbeddedTicketStore>(sp => new EmbeddedTicketStore(sp.GetRequiredService<LocalDataFolder>().Path));
            services.AddSingleton<ITicketStore>(sp => sp.GetRequiredService<EmbeddedTicketStore>());
            services.AddSingleton<ICommentStore>(sp => sp.GetRequiredService<EmbeddedTicketStore>());
            services.AddSingleton<ITicketEventStore>(sp => sp.GetRequiredService<EmbeddedTicketStore>());
            services.AddSingleton<IWebhookStore>(sp => new EmbeddedWebhookStore(sp.GetRequiredService<LocalDataFolder>().Path));
            return services;
        }

        var section = configuration.GetSection(CosmosOptions.SectionName);
        var options = section.Get<CosmosOptions>() ?? new CosmosOptions();
        CosmosClientProvider.Validate(options);

        services.AddOptions<CosmosOptions>().Bind(section);
        services.TryAddSingleton<CosmosClientProvider>();
        services.AddSingleton<CosmosTicketStore>();
        services.AddSingleton<ITicketStore>(sp => sp.GetRequiredService<CosmosTicketStore>());
        services.AddSingleton<ICommentStore>(sp => sp.GetRequiredService<CosmosTicketStore>());
        services.AddSingleton<ITicketEventStore>(sp => sp.GetRequiredService<CosmosTicketStore>());
        services.AddSingleton<IWebhookStore, CosmosWebhookStore>();
        services.AddHostedService<CosmosStartup>();
        return services;
    }

    /// <summary>The local data folder, from <c>Storage__DataPath</c> and the host's environment.</summary>
    public static IServiceCollection AddLocalDataFolder(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(sp => LocalDataFolder.Resolve(configuration, sp.GetRequiredService<IHostEnvironment>()));
        return services;
    }
}
