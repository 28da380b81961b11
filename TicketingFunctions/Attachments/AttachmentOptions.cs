namespace TicketingFunctions.Attachments;

/// <summary>Settings under <c>Attachments__*</c>. Blob Storage is used when <see cref="BlobServiceUri"/> or <see cref="BlobConnectionString"/> is set, else a local folder.</summary>
public sealed class AttachmentOptions
{
    public const string SectionName = "Attachments";

    /// <summary>How long an upload may wait to be linked to a ticket before it is deleted (Azure: the lifecycle rule in infra/).</summary>
    public static readonly TimeSpan PendingLifetime = TimeSpan.FromHours(24);

    /// <summary>The largest upload, in bytes; larger ones get 413.</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// The most pending (uploaded, not yet linked) uploads one caller (issuer + subject) may have in a tenant; one more
    /// is refused with 429 and Retry-After until the oldest expires or one is linked.
    /// </summary>
    public int MaxPendingUploads { get; set; } = 20;

    /// <summary>The most bytes one caller's pending uploads may hold in a tenant; an upload that would pass it gets 429.</summary>
    public long MaxPendingBytes { get; set; } = 50 * 1024 * 1024;

    /// <summary>The Blob service endpoint, e.g. https://myaccount.blob.core.windows.net; the app authenticates with its managed identity.</summary>
    public string? BlobServiceUri { get; set; }

    /// <summary>A connection string with an account key, for Azurite on a developer machine only. Azure deployments never set it.</summary>
    public string? BlobConnectionString { get; set; }

    public string Container { get; set; } = "attachments";

    /// <summary>Create the container at start-up (Azurite). In Azure the infra creates it.</summary>
    public bool CreateIfNotExists { get; set; }

    /// <summary>The folder of the local store (the default without Blob settings); <c>attachments</c> in the local data folder (<c>Storage__DataPath</c>) when unset.</summary>
    public string? LocalPath { get; set; }

    public bool UsesBlob => !string.IsNullOrWhiteSpace(BlobServiceUri) || !string.IsNullOrWhiteSpace(BlobConnectionString);
}
