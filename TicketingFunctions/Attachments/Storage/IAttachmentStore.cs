namespace TicketingFunctions.Attachments.Storage;

/// <summary>
/// Uploaded files, per tenant. An upload starts pending: only its uploader can link it to a ticket, and a pending
/// upload is deleted after <see cref="AttachmentOptions.PendingLifetime"/>. Linking is a one-way move from pending to
/// the ticket; a linked file is never linked to another ticket.
/// </summary>
public interface IAttachmentStore
{
    /// <summary>Completes when the store answers (the readiness check); throws when it can't be reached.</summary>
    Task CheckReadyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Streams <paramref name="content"/> into a new pending upload and returns its record. When the content grows past
    /// its limit, <see cref="AttachmentTooLargeException"/> comes out of the read and nothing is kept.
    /// </summary>
    Task<AttachmentRecord> UploadAsync(NewAttachment attachment, AttachmentContent content, CancellationToken cancellationToken);

    /// <summary>The upload with this id in this tenant, pending or linked, or null.</summary>
    Task<AttachmentRecord?> GetAsync(string tenantId, string attachmentId, CancellationToken cancellationToken);

    /// <summary>
    /// Links the upload to the ticket with id <paramref name="ticketId"/>. True when it is now linked to that ticket
    /// (also when it already was: a retry); false when it is gone or linked to another ticket.
    /// </summary>
    Task<bool> LinkAsync(string tenantId, string attachmentId, string ticketId, CancellationToken cancellationToken);

    /// <summary>The bytes of an upload linked to the ticket with id <paramref name="ticketId"/>, or null.</summary>
    Task<Stream?> OpenReadAsync(string tenantId, string attachmentId, string ticketId, CancellationToken cancellationToken);

    /// <summary>
    /// How many pending uploads of this tenant <paramref name="owner"/> (a <see cref="Auth.CallerIdentity.Key"/>) made
    /// at or after <paramref name="since"/> (a stored timestamp), their bytes and the oldest one's upload time: what
    /// the per-caller quota counts. Linked uploads and older pending ones don't count.
    /// </summary>
    Task<PendingUsage> PendingUsageAsync(string tenantId, string owner, string since, CancellationToken cancellationToken);
}

/// <summary>A caller's pending uploads: how many, their bytes, and when the oldest was made (null when none).</summary>
public sealed record PendingUsage(int Count, long Bytes, string? OldestUploadedAt)
{
    public static readonly PendingUsage None = new(0, 0, null);

    public PendingUsage Add(AttachmentRecord record) => new(Count + 1, Bytes + record.Size,
        OldestUploadedAt is null || string.CompareOrdinal(record.UploadedAt, OldestUploadedAt) < 0 ? record.UploadedAt : OldestUploadedAt);
}

/// <summary>
/// What the API knows of an upload before its bytes are read. <see cref="Owner"/> is the uploader's
/// <see cref="Auth.CallerIdentity.Key"/>, the only thing a link compares; <see cref="UploadedBy"/> is a name to show.
/// </summary>
public sealed record NewAttachment(string Id, string TenantId, string Filename, string ContentType, string UploadedBy, string UploadedAt, string Owner);

/// <summary>An upload as stored. <see cref="TicketId"/> is null while it is pending.</summary>
public sealed record AttachmentRecord(
    string Id,
    string TenantId,
    string Filename,
    string ContentType,
    long Size,
    string Sha256,
    string UploadedBy,
    string UploadedAt,
    string? TicketId,
    string? Owner = null)
{
    public static AttachmentRecord Of(NewAttachment attachment, AttachmentContent content, string? ticketId = null) => new(
        attachment.Id, attachment.TenantId, attachment.Filename, attachment.ContentType, content.BytesRead, content.Sha256Hex(),
        attachment.UploadedBy, attachment.UploadedAt, ticketId, attachment.Owner);
}

/// <summary>The upload is larger than <see cref="MaxBytes"/>; nothing was kept.</summary>
public sealed class AttachmentTooLargeException(long maxBytes) : Exception($"The attachment is larger than {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}
