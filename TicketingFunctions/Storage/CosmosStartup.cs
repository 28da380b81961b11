using TicketingFunctions.Catalog;
using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TicketingFunctions.Settings;

namespace TicketingFunctions.Storage;

/// <summary>
/// With <c>CosmosDb__CreateIfNotExists=true</c> (local emulators), creates the database and containers
/// when the host starts, before it serves requests. With <c>Catalog__SeedFile</c> (seeded by
/// <c>Services.CatalogSeeder</c>, registered after this) it first reads the account. Either way an account it
/// can't reach stops the start-up with one line naming <c>CosmosDb__Endpoint</c> (for an emulator on loopback: how to
/// start the one in tools/cosmos-emulator). Otherwise it does nothing, so a start-up in Azure makes no call to Cosmos DB.
/// </summary>
public sealed class CosmosStartup(CosmosClientProvider clients, IOptions<CatalogOptions> catalog) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (clients.Options.CreateIfNotExists)
                await clients.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            else if (!string.IsNullOrWhiteSpace(catalog.Value.SeedFile))
                await clients.Client.ReadAccountAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (UnreachableReason(e) is { } reason)
        {
            throw new SettingException(Unreachable(clients.Options.Endpoint!, reason), e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The line for an account that doesn't answer: for a loopback endpoint, how to start the local emulator.</summary>
    public static string Unreachable(string endpoint, string reason)
    {
        var uri = new Uri(endpoint, UriKind.Absolute);
        return CosmosClientProvider.IsLoopback(uri)
            ? $"Cosmos DB at {endpoint} is not reachable ({reason}): start the emulator, node tools/cosmos-emulator/server.js --port {uri.Port}, or change CosmosDb__Endpoint (unset: the embedded store)."
            : $"Cosmos DB at {endpoint} is not reachable ({reason}): check CosmosDb__Endpoint and the network.";
    }

    /// <summary>Why no answer came (the innermost message: "Connection refused", a certificate error), or null for other failures.</summary>
    private static string? UnreachableReason(Exception e)
    {
        var unreachable = false;
        for (var current = e; current is not null; current = current.InnerException)
        {
            unreachable |= current is HttpRequestException
                           || current is CosmosException { StatusCode: HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout };
            if (current.InnerException is null) return unreachable ? current.Message.Split('\n')[0].Trim().TrimEnd('.') : null;
        }
        return null;
    }
}
