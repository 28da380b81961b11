using Azure.Storage.Blobs;
using Microsoft.Extensions.Hosting;

namespace TicketingFunctions.Attachments.Storage;

/// <summary>With <c>Attachments__CreateIfNotExists=true</c> (Azurite), creates the container before the host serves requests.</summary>
public sealed class AttachmentContainerStartup(BlobContainerClient container) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
