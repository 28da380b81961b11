using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using TicketingFunctions.Attachments;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Hosting;

/// <summary>
/// <c>reset-local-data</c>: deletes what the local defaults keep (the embedded store's file and the local attachment
/// folder), after saying what it deletes. Refuses while an app holds the store, whose memory would outlive the file.
/// Cosmos DB and Blob Storage are never touched.
/// </summary>
public static class ResetLocalDataCommand
{
    public static int Run(IConfiguration configuration, IHostEnvironment environment, TextWriter output)
    {
        var folder = LocalDataFolder.Resolve(configuration, environment);
        var localPath = configuration[$"{AttachmentOptions.SectionName}:{nameof(AttachmentOptions.LocalPath)}"];
        var attachments = string.IsNullOrWhiteSpace(localPath) ? folder.Attachments : Path.GetFullPath(localPath);

        if (EmbeddedTicketStore.IsInUse(folder.Path))
        {
            output.WriteLine($"The app is running on {folder.Path}: stop it, then run reset-local-data again. Nothing was deleted.");
            return 1;
        }
        if (StorageRegistration.UsesCosmos(configuration))
            output.WriteLine("CosmosDb__Endpoint is set: the data in Cosmos DB is not touched, only the local files below.");

        var files = new[] { "", "-wal", "-shm" }.Select(suffix => folder.TicketsFile + suffix).Where(File.Exists).ToList();
        var uploads = Directory.Exists(attachments) ? Directory.EnumerateFiles(attachments, "*.bin", SearchOption.AllDirectories).Count() : -1;
        if (files.Count == 0 && uploads < 0)
        {
            output.WriteLine($"No local data to delete in {folder.Path}.");
            return 0;
        }

        output.WriteLine("Deleting the local data:");
        if (files.Count > 0) output.WriteLine($"  {folder.TicketsFile}: every ticket, display-id counter, history, idempotency record and catalog");
        if (uploads >= 0) output.WriteLine($"  {attachments}: {uploads} uploaded file(s), pending or attached");
        foreach (var file in files) File.Delete(file);
        if (uploads >= 0) Directory.Delete(attachments, recursive: true);
        if (Directory.Exists(folder.Path) && !Directory.EnumerateFileSystemEntries(folder.Path).Any()) Directory.Delete(folder.Path);
        output.WriteLine("Done. The next start begins empty (with the sample catalog).");
        return 0;
    }
}
