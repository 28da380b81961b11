using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TicketingFunctions.Attachments.Storage;

/// <summary>Locally, what the lifecycle rule does in Azure: once at start and then hourly, deletes pending uploads older than a day.</summary>
public sealed class PendingUploadSweeper(LocalFolderAttachmentStore store, TimeProvider time, ILogger<PendingUploadSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var deleted = await store.SweepAsync(stoppingToken);
                if (deleted > 0) logger.LogInformation("Deleted {Count} attachment uploads never linked to a ticket", deleted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Sweeping unlinked attachment uploads failed: {ExceptionType}", ex.GetType().Name);
            }
            try { await Task.Delay(Interval, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
