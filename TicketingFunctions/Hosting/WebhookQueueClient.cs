using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using TicketingFunctions.Services;
using TicketingFunctions.Settings;

namespace TicketingFunctions.Hosting;

/// <summary>
/// The client of the webhook delivery queue, on the Functions host's own storage (the queue trigger's connection
/// <c>AzureWebJobsStorage</c>): in Azure keyless, <c>AzureWebJobsStorage__queueServiceUri</c> with the app's managed
/// identity (as attachments use Blob Storage); locally the connection string (Azurite's <c>UseDevelopmentStorage=true</c>).
/// </summary>
public static class WebhookQueueClient
{
    public const string ConnectionName = "AzureWebJobsStorage";

    public static QueueClient Create(IConfiguration configuration)
    {
        // Base64, as the queue trigger expects by default (host.json's messageEncoding).
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if (configuration[$"{ConnectionName}:queueServiceUri"] is { Length: > 0 } serviceUri)
            return new QueueServiceClient(new Uri(serviceUri), new DefaultAzureCredential(), options).GetQueueClient(WebhookDeliveryQueue.Name);
        if (configuration[ConnectionName] is { Length: > 0 } connectionString)
            return new QueueClient(connectionString, WebhookDeliveryQueue.Name, options);
        throw new SettingException($"Webhook delivery under the Functions host needs {ConnectionName}__queueServiceUri (managed identity) or the {ConnectionName} connection string (Azurite).");
    }
}
