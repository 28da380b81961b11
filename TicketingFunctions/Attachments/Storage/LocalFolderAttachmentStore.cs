using TicketingFunctions.Settings;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace TicketingFunctions.Attachments.Storage;

/// <summary>
/// Attachments in a local folder, the default without Blob settings (as the embedded ticket store is). The layout is
/// the Blob store's: pending uploads under <c>pending/&lt;tenant_id&gt;/</c>, linked ones under <c>&lt;tenant_id&gt;/</c>, each
/// as <c>&lt;id&gt;.bin</c> with its record beside it in <c>&lt;id&gt;.json</c>. One process owns the folder, so a lock makes a
/// link atomic. <see cref="SweepAsync"/> deletes pending uploads older than <see cref="AttachmentOptions.PendingLifetime"/>,
/// which in Azure the container's lifecycle rule does.
/// </summary>
public sealed class LocalFolderAttachmentStore : IAttachmentStore
{
    private const string PendingFolder = "pending";
    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _links = new(1, 1);

    public LocalFolderAttachmentStore(IOptions<AttachmentOptions> options, TimeProvider time)
    {
        // Registration defaults it to the local data folder's "attachments" (AttachmentStoreRegistration).
        _root = Path.GetFullPath(string.IsNullOrWhiteSpace(options.Value.LocalPath)
            ? throw new SettingException("Attachments__LocalPath is not set.")
            : options.Value.LocalPath);
        _time = time;
    }

    public string Root => _root;

    /// <summary>The folder exists (or can be made) and takes a file.</summary>
    public async Task CheckReadyAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_root);
        var probe = Path.Combine(_root, $".ready-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(probe, [], cancellationToken);
        File.Delete(probe);
    }

    public async Task<AttachmentRecord> UploadAsync(NewAttachment attachment, AttachmentContent content, CancellationToken cancellationToken)
    {
        EnsureSafe(attachment.TenantId, attachment.Id);
        var folder = Directory.CreateDirectory(Path.Combine(_root, PendingFolder, attachment.TenantId)).FullName;
        var bin = Path.Combine(folder, attachment.Id + ".bin");
        var partial = bin + ".partial";
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
                await content.CopyToAsync(file, cancellationToken);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        File.Move(partial, bin);
        var record = AttachmentRecord.Of(attachment, content);
        await WriteRecordAsync(Path.Combine(folder, attachment.Id + ".json"), record, cancellationToken);
        return record;
    }

    public async Task<AttachmentRecord?> GetAsync(string tenantId, string attachmentId, CancellationToken cancellationToken)
    {
        if (!IsSafe(tenantId, attachmentId)) return null;
        return await ReadRecordAsync(LinkedPath(tenantId, attachmentId, ".json"), cancellationToken)
            ?? await ReadRecordAsync(PendingPath(tenantId, attachmentId, ".json"), cancellationToken);
    }

    public async Task<bool> LinkAsync(string tenantId, string attachmentId, string ticketId, CancellationToken cancellationToken)
    {
        if (!IsSafe(tenantId, attachmentId)) return false;
        await _links.WaitAsync(cancellationToken);
        try
        {
            if (await ReadRecordAsync(LinkedPath(tenantId, attachmentId, ".json"), cancellationToken) is { } linked)
                return linked.TicketId == ticketId;
            if (await ReadRecordAsync(PendingPath(tenantId, attachmentId, ".json"), cancellationToken) is not { } pending)
                return false;
            Directory.CreateDirectory(Path.Combine(_root, tenantId));
            File.Move(PendingPath(tenantId, attachmentId, ".bin"), LinkedPath(tenantId, attachmentId, ".bin"), overwrite: true);
            await WriteRecordAsync(LinkedPath(tenantId, attachmentId, ".json"), pending with { TicketId = ticketId }, cancellationToken);
            File.Delete(PendingPath(tenantId, attachmentId, ".json"));
            return true;
        }
        finally
        {
            _links.Release();
        }
    }

    public async Task<Stream?> OpenReadAsync(string tenantId, string attachmentId, string ticketId, CancellationToken cancellationToken)
    {
        if (!IsSafe(tenantId, attachmentId)) return null;
        if (await ReadRecordAsync(LinkedPath(tenantId, attachmentId, ".json"), cancellationToken) is not { } linked || linked.TicketId != ticketId)
            return null;
        try
        {
            return new FileStream(LinkedPath(tenantId, attachmentId, ".bin"), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public async Task<PendingUsage> PendingUsageAsync(string tenantId, string owner, string since, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_root, PendingFolder, tenantId);
        if (!IsUuid(tenantId) || !Directory.Exists(folder)) return PendingUsage.None;
        var usage = PendingUsage.None;
        foreach (var json in Directory.EnumerateFiles(folder, "*.json"))
        {
            // Linked or swept in between: no longer pending.
            if (await ReadRecordAsync(json, cancellationToken) is { } record && record.Owner == owner
                && string.CompareOrdinal(record.UploadedAt, since) >= 0)
                usage = usage.Add(record);
        }
        return usage;
    }

    /// <summary>Deletes every pending upload made <see cref="AttachmentOptions.PendingLifetime"/> or longer ago; answers how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var pendingRoot = Path.Combine(_root, PendingFolder);
        if (!Directory.Exists(pendingRoot)) return 0;
        var cutoff = _time.GetUtcNow() - AttachmentOptions.PendingLifetime;
        var deleted = 0;
        foreach (var json in Directory.EnumerateFiles(pendingRoot, "*.json", SearchOption.AllDirectories))
        {
            var record = await ReadRecordAsync(json, cancellationToken);
            if (record is null || !DateTimeOffset.TryParse(record.UploadedAt, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var uploadedAt) || uploadedAt > cutoff)
                continue;
            await _links.WaitAsync(cancellationToken);
            try
            {
                // Still pending (a link moves it away under the same lock).
                if (!File.Exists(json)) continue;
                File.Delete(Path.ChangeExtension(json, ".bin"));
                File.Delete(json);
                deleted++;
            }
            finally
            {
                _links.Release();
            }
        }
        return deleted;
    }

    private string PendingPath(string tenantId, string id, string extension) => Path.Combine(_root, PendingFolder, tenantId, id + extension);

    private string LinkedPath(string tenantId, string id, string extension) => Path.Combine(_root, tenantId, id + extension);

    /// <summary>Ids become file names: only canonical UUIDs are ever used, so no path can leave the folder.</summary>
    private static bool IsSafe(string tenantId, string id) => IsUuid(tenantId) && IsUuid(id);

    private static bool IsUuid(string value) => Guid.TryParseExact(value, "D", out _);

    private static void EnsureSafe(string tenantId, string id)
    {
        if (!IsSafe(tenantId, id)) throw new ArgumentException("Tenant and attachment ids must be UUIDs.");
    }

    private static async Task<AttachmentRecord?> ReadRecordAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
            return await JsonSerializer.DeserializeAsync(file, AttachmentRecordJsonContext.Default.AttachmentRecord, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Written beside and moved into place, so a reader sees the whole record or none.</summary>
    private static async Task WriteRecordAsync(string path, AttachmentRecord record, CancellationToken cancellationToken)
    {
        var partial = path + ".partial";
        await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            await JsonSerializer.SerializeAsync(file, record, AttachmentRecordJsonContext.Default.AttachmentRecord, cancellationToken);
        File.Move(partial, path, overwrite: true);
    }
}
