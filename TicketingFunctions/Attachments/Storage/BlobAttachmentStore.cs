using System.Buffers;
using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Attachments.Storage;

/// <summary>
/// Attachments in Azure Blob Storage, one container (<c>attachments</c>). A pending upload is the blob
/// <c>pending/&lt;tenant_id&gt;/&lt;id&gt;</c>, which the container's lifecycle rule (infra/) deletes a day after it was written;
/// linking copies it to <c>&lt;tenant_id&gt;/&lt;id&gt;</c>, create-only, with the ticket's id in its metadata, and deletes the
/// pending blob. The copy goes through the app (stream to stream) rather than a service-side copy, so the identity
/// needs nothing beyond Storage Blob Data Contributor and Azurite behaves as Azure does. The record is the blob's
/// content type, length and metadata, so an upload is one write and a lookup one HEAD.
/// </summary>
public sealed class BlobAttachmentStore(BlobContainerClient container, ILogger<BlobAttachmentStore>? logger = null) : IAttachmentStore
{
    /// <summary>The size of each staged block, and so the most of an upload held in memory at once.</summary>
    public const int BlockBytes = 1024 * 1024;

    private const string PendingPrefix = "pending/";
    private static readonly TimeSpan UnavailableRetryAfter = TimeSpan.FromSeconds(5);
    private readonly ILogger _logger = logger ?? NullLogger<BlobAttachmentStore>.Instance;

    private static class Meta
    {
        public const string Filename = "filename";
        public const string Sha256 = "sha256";
        public const string UploadedBy = "uploaded_by";
        public const string UploadedAt = "uploaded_at";
        public const string TicketId = "ticket_id";
        public const string Owner = "owner";
    }

    public BlobContainerClient Container => container;

    /// <summary>Reads the container's properties: the account is reachable, the identity may use it, the container exists.</summary>
    public async Task CheckReadyAsync(CancellationToken cancellationToken) =>
        await container.GetPropertiesAsync(cancellationToken: cancellationToken);

    public Task<AttachmentRecord> UploadAsync(NewAttachment attachment, AttachmentContent content, CancellationToken cancellationToken) =>
        RunAsync("upload an attachment", async () =>
        {
            var blob = container.GetBlockBlobClient(PendingName(attachment.TenantId, attachment.Id));
            var blockIds = new List<string>();
            var buffer = ArrayPool<byte>.Shared.Rent(BlockBytes);
            try
            {
                while (true)
                {
                    var filled = 0;
                    while (filled < BlockBytes)
                    {
                        var read = await content.ReadAsync(buffer.AsMemory(filled, BlockBytes - filled), cancellationToken);
                        if (read == 0) break;
                        filled += read;
                    }
                    if (filled == 0) break;
                    var blockId = Convert.ToBase64String(BitConverter.GetBytes(blockIds.Count));
                    using (var block = new MemoryStream(buffer, 0, filled, writable: false))
                        await blob.StageBlockAsync(blockId, block, cancellationToken: cancellationToken);
                    blockIds.Add(blockId);
                    if (filled < BlockBytes) break;
                }
                // A last read to the end, so the hash is final even when the size is a multiple of the block size.
                if (await content.ReadAsync(buffer.AsMemory(0, 1), cancellationToken) != 0)
                    throw new InvalidOperationException("The upload went on after its end.");
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            // Until this commit nothing is visible: a refused (too large) or failed upload leaves only uncommitted
            // blocks, which the service discards.
            var record = AttachmentRecord.Of(attachment, content);
            await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = record.ContentType },
                Metadata = MetadataOf(record),
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
            return record;
        }, cancellationToken);

    public Task<AttachmentRecord?> GetAsync(string tenantId, string attachmentId, CancellationToken cancellationToken) =>
        RunAsync("read an attachment", async () =>
        {
            if (!IsUuid(tenantId) || !IsUuid(attachmentId)) return null;
            return await PropertiesAsync(LinkedName(tenantId, attachmentId), tenantId, attachmentId, cancellationToken)
                ?? await PropertiesAsync(PendingName(tenantId, attachmentId), tenantId, attachmentId, cancellationToken);
        }, cancellationToken);

    public Task<bool> LinkAsync(string tenantId, string attachmentId, string ticketId, CancellationToken cancellationToken) =>
        RunAsync("link an attachment", async () =>
        {
            if (!IsUuid(tenantId) || !IsUuid(attachmentId)) return false;
            var linkedName = LinkedName(tenantId, attachmentId);
            if (await PropertiesAsync(linkedName, tenantId, attachmentId, cancellationToken) is { } linked)
                return linked.TicketId == ticketId;

            var pending = container.GetBlobClient(PendingName(tenantId, attachmentId));
            BlobDownloadStreamingResult download;
            try
            {
                download = (await pending.DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
            {
                // Linked by a concurrent request in between, or swept.
                return (await PropertiesAsync(linkedName, tenantId, attachmentId, cancellationToken))?.TicketId == ticketId;
            }
            using (download)
            {
                var metadata = new Dictionary<string, string>(download.Details.Metadata, StringComparer.OrdinalIgnoreCase) { [Meta.TicketId] = ticketId };
                try
                {
                    await container.GetBlobClient(linkedName).UploadAsync(download.Content, new BlobUploadOptions
                    {
                        HttpHeaders = new BlobHttpHeaders { ContentType = download.Details.ContentType },
                        Metadata = metadata,
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                        TransferOptions = new Azure.Storage.StorageTransferOptions { InitialTransferSize = BlockBytes, MaximumTransferSize = BlockBytes },
                    }, cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
                {
                    // Another request linked it first: it is ours only if that was for the same ticket.
                    return (await PropertiesAsync(linkedName, tenantId, attachmentId, cancellationToken))?.TicketId == ticketId;
                }
            }
            await pending.DeleteIfExistsAsync(cancellationToken: cancellationToken);
            return true;
        }, cancellationToken);

    public Task<Stream?> OpenReadAsync(string tenantId, string attachmentId, string ticketId, CancellationToken cancellationToken) =>
        RunAsync<Stream?>("read an attachment's content", async () =>
        {
            if (!IsUuid(tenantId) || !IsUuid(attachmentId)) return null;
            try
            {
                var download = (await container.GetBlobClient(LinkedName(tenantId, attachmentId)).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
                if (download.Details.Metadata.TryGetValue(Meta.TicketId, out var linkedTo) && linkedTo == ticketId) return download.Content;
                download.Dispose();
                return null;
            }
            catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
            {
                return null;
            }
        }, cancellationToken);

    public static string PendingName(string tenantId, string id) => $"{PendingPrefix}{tenantId}/{id}";

    public static string LinkedName(string tenantId, string id) => $"{tenantId}/{id}";

    private async Task<AttachmentRecord?> PropertiesAsync(string name, string tenantId, string attachmentId, CancellationToken cancellationToken)
    {
        BlobProperties properties;
        try
        {
            properties = (await container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        var metadata = properties.Metadata;
        string? Value(string key) => metadata.TryGetValue(key, out var value) ? Uri.UnescapeDataString(value) : null;
        if (Value(Meta.Filename) is not { } filename || Value(Meta.Sha256) is not { } sha256 || Value(Meta.UploadedBy) is not { } uploadedBy
            || Value(Meta.UploadedAt) is not { } uploadedAt)
            return null;
        return new AttachmentRecord(attachmentId, tenantId, filename, properties.ContentType, properties.ContentLength, sha256, uploadedBy, uploadedAt,
            Value(Meta.TicketId), Value(Meta.Owner));
    }

    public Task<PendingUsage> PendingUsageAsync(string tenantId, string owner, string since, CancellationToken cancellationToken) =>
        RunAsync("count pending uploads", async () =>
        {
            if (!IsUuid(tenantId)) return PendingUsage.None;
            var usage = PendingUsage.None;
            // One listing of the tenant's pending prefix with metadata: no read per blob.
            await foreach (var item in container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, $"{PendingPrefix}{tenantId}/", cancellationToken))
            {
                string? Value(string key) => item.Metadata.TryGetValue(key, out var value) ? Uri.UnescapeDataString(value) : null;
                if (Value(Meta.Owner) != owner || Value(Meta.UploadedAt) is not { } uploadedAt || string.CompareOrdinal(uploadedAt, since) < 0) continue;
                usage = new PendingUsage(usage.Count + 1, usage.Bytes + (item.Properties.ContentLength ?? 0),
                    usage.OldestUploadedAt is null || string.CompareOrdinal(uploadedAt, usage.OldestUploadedAt) < 0 ? uploadedAt : usage.OldestUploadedAt);
            }
            return usage;
        }, cancellationToken);

    /// <summary>Metadata values travel as HTTP headers (ASCII): the text ones are percent-encoded.</summary>
    private static Dictionary<string, string> MetadataOf(AttachmentRecord record) => new(StringComparer.OrdinalIgnoreCase)
    {
        [Meta.Filename] = Uri.EscapeDataString(record.Filename),
        [Meta.Sha256] = record.Sha256,
        [Meta.UploadedBy] = Uri.EscapeDataString(record.UploadedBy),
        [Meta.UploadedAt] = record.UploadedAt,
        [Meta.Owner] = record.Owner ?? "",
    };

    private static bool IsUuid(string value) => Guid.TryParseExact(value, "D", out _);

    /// <summary>Throttling, server errors and unreachable storage become <see cref="StoreUnavailableException"/> (503 with Retry-After).</summary>
    private async Task<T> RunAsync<T>(string action, Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation();
        }
        catch (RequestFailedException e) when (e.Status is 429 or >= 500 or 0)
        {
            _logger.LogWarning("Blob Storage could not {Action}: {Status} {ErrorCode}", action, e.Status, e.ErrorCode);
            throw new StoreUnavailableException($"Blob Storage could not {action}: {e.Status}.", UnavailableRetryAfter, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Blob Storage timed out trying to {Action}", action);
            throw new StoreUnavailableException($"Blob Storage timed out trying to {action}.", UnavailableRetryAfter, e);
        }
    }
}
