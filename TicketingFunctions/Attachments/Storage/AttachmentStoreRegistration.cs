using TicketingFunctions.Settings;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Attachments.Storage;

public static class AttachmentStoreRegistration
{
    /// <summary>
    /// Blob Storage when <c>Attachments__BlobServiceUri</c> (managed identity) or <c>Attachments__BlobConnectionString</c>
    /// (Azurite) is set, otherwise the local folder (<c>Attachments__LocalPath</c>, by default <c>attachments</c> in the
    /// local data folder, beside the embedded store's file) with its sweeper of stale pending uploads.
    /// </summary>
    public static IServiceCollection AddAttachmentStore(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(AttachmentOptions.SectionName);
        services.Configure<AttachmentOptions>(section);
        var options = section.Get<AttachmentOptions>() ?? new AttachmentOptions();
        if (options.MaxBytes < 1) throw new SettingException("Attachments__MaxBytes must be at least 1.");

        if (!options.UsesBlob)
        {
            services.AddLocalDataFolder(configuration);
            services.AddOptions<AttachmentOptions>().PostConfigure<LocalDataFolder>((o, folder) =>
            {
                if (string.IsNullOrWhiteSpace(o.LocalPath)) o.LocalPath = folder.Attachments;
            });
            services.AddSingleton<LocalFolderAttachmentStore>();
            services.AddSingleton<IAttachmentStore>(sp => sp.GetRequiredService<LocalFolderAttachmentStore>());
            services.AddHostedService<PendingUploadSweeper>();
            return services;
        }

        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<AttachmentOptions>>().Value;
            var client = string.IsNullOrWhiteSpace(o.BlobConnectionString)
                ? new BlobServiceClient(new Uri(o.BlobServiceUri!), new DefaultAzureCredential())
                : new BlobServiceClient(o.BlobConnectionString);
            return client.GetBlobContainerClient(o.Container);
        });
        services.AddSingleton<IAttachmentStore>(sp =>
            new BlobAttachmentStore(sp.GetRequiredService<BlobContainerClient>(), sp.GetRequiredService<ILogger<BlobAttachmentStore>>()));
        if (options.CreateIfNotExists) services.AddHostedService<AttachmentContainerStartup>();
        return services;
    }
}
