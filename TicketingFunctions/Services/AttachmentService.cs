using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Api;
using TicketingFunctions.Attachments;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Services;

/// <summary>An upload request as the function read it.</summary>
public sealed record UploadRequest(string? ContentType, string? Filename, long? ContentLength, Stream Body);

/// <summary>The bytes of a linked attachment and how to serve them.</summary>
public sealed record AttachmentDownload(string Filename, string ContentType, long Size, Stream Content);

/// <summary>
/// Uploads and downloads. Upload checks, first failure wins: the request pipeline's (token → headers 400 → tenant 404 →
/// scope and write role 401) → a declared length over the limit 413 → the body's form (Content-Type, x-filename, multipart) 400
/// → empty 400 → bytes over the limit while streaming 413, a body that stops arriving 408. Download: read's checks on the ticket, then 404 unless the
/// attachment is linked to it, or to one of its comments the caller may read (an internal note's are not a requester's).
/// </summary>
public sealed class AttachmentService(
    TicketAccessor tickets,
    IAttachmentStore store,
    ICommentStore comments,
    IOptions<AttachmentOptions> options,
    TimeProvider time,
    ILogger<AttachmentService> logger)
{
    /// <summary>
    /// Media types served as themselves: ones no browser runs as a page (images but SVG, PDF, plain text, office
    /// documents, archives, audio and video). Every other stored type, including all XML, HTML, script, multipart
    /// and wildcard types, is served as <c>application/octet-stream</c>, a file to save.
    /// </summary>
    public static readonly IReadOnlySet<string> ServedAsStored = new HashSet<string>(
    [
        "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff", "image/avif", "image/heic", "image/x-icon",
        "application/pdf", "text/plain", "text/csv",
        "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/rtf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.presentation",
        "application/zip", "application/gzip", "application/x-7z-compressed",
        "audio/mpeg", "audio/wav", "audio/ogg", "video/mp4", "video/webm",
    ], StringComparer.OrdinalIgnoreCase);

    public async Task<Outcome<AttachmentRecord>> UploadAsync(CheckedCaller checkedCaller, UploadRequest request, CancellationToken cancellationToken)
    {
        var caller = checkedCaller.Caller;
        // Only the caller's identity (issuer + subject) owns a pending upload: a token without a subject could
        // never link what it uploads, so it is refused before any byte is read.
        var identity = caller.Identity;
        if (!identity.IsKnown) return ApiError.PermissionDenied("upload attachment");

        var maxBytes = options.Value.MaxBytes;
        if (request.ContentLength > maxBytes + MultipartAllowance(request.ContentType)) return ApiError.AttachmentTooLarge(maxBytes);

        var errors = new ValidationErrors();
        var quotaBound = false;
        try
        {
            // The per-caller quota: counted before any byte is read, and the bytes left under it bound this upload.
            var now = time.GetUtcNow();
            var usage = await store.PendingUsageAsync(caller.TenantId!, identity.Key, TicketFactory.Timestamp(now - AttachmentOptions.PendingLifetime), cancellationToken);
            var bytesLeft = options.Value.MaxPendingBytes - usage.Bytes;
            if (usage.Count >= options.Value.MaxPendingUploads || bytesLeft <= 0 || request.ContentLength > bytesLeft + MultipartAllowance(request.ContentType))
                return QuotaExceeded(usage, now);
            quotaBound = bytesLeft < maxBytes;

            var part = await UploadBody.OpenAsync(request.ContentType, request.Filename, request.Body, errors, cancellationToken);
            if (part is null) return ApiError.Invalid(errors);
            var filename = AttachmentFilename.Clean(part.Filename, out var problem);
            if (filename is null)
            {
                errors.Add(part.FilenameKey, problem!);
                return ApiError.Invalid(errors);
            }

            using var content = new AttachmentContent(part.Content, Math.Min(maxBytes, bytesLeft));
            if (!await content.HasContentAsync(cancellationToken))
            {
                errors.Add("body", "The attachment is empty");
                return ApiError.Invalid(errors);
            }
            var upload = new NewAttachment(Guid.NewGuid().ToString(), caller.TenantId!, filename, part.ContentType, caller.Username,
                TicketFactory.Timestamp(now), identity.Key);
            // A malformed multipart body (no closing boundary, a second part) throws from the read before its end:
            // the store keeps nothing.
            var record = await store.UploadAsync(upload, content, cancellationToken);
            logger.LogInformation("Uploaded attachment {AttachmentId} ({Size} bytes)", record.Id, record.Size);
            return record;
        }
        catch (AttachmentTooLargeException)
        {
            if (quotaBound) return QuotaExceeded(await store.PendingUsageAsync(caller.TenantId!, identity.Key,
                TicketFactory.Timestamp(time.GetUtcNow() - AttachmentOptions.PendingLifetime), cancellationToken), time.GetUtcNow());
            return ApiError.AttachmentTooLarge(maxBytes);
        }
        catch (MalformedUploadException ex)
        {
            logger.LogInformation("Upload body refused: {Reason}", ex.Message);
            errors.Add("body", ex.Message);
            return ApiError.Invalid(errors);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex)
        {
            // The server gave up on the body's transport (too slow, short of its Content-Length, badly chunked): the
            // client's fault, as JsonBodyReader answers it for JSON bodies. Nothing was kept.
            logger.LogInformation("Upload body unreadable: {Status}", ex.StatusCode);
            if (ex.StatusCode == Microsoft.AspNetCore.Http.StatusCodes.Status408RequestTimeout) return ApiError.RequestTimeout;
            if (ex.StatusCode == Microsoft.AspNetCore.Http.StatusCodes.Status413PayloadTooLarge) return ApiError.AttachmentTooLarge(maxBytes);
            errors.Add("body", "The request body is not well framed (its chunks or its length)");
            return ApiError.Invalid(errors);
        }
    }

    public async Task<Outcome<AttachmentDownload>> DownloadAsync(CheckedCaller caller, string objectId, string attachmentId, CancellationToken cancellationToken)
    {
        var access = await tickets.OpenAsync(caller, objectId, cancellationToken);
        if (access.Error is not null) return access.Error;
        var ticket = access.Value!.Ticket;
        if (AttachmentLinks.Linked(ticket, attachmentId) is not { } linked)
            return await DownloadOfCommentAsync(caller, ticket, attachmentId, cancellationToken);

        // Linked to this ticket, or (moved to another type, which rewrites no upload) to one of its predecessors.
        var content = await store.OpenReadAsync(ticket.TenantId, attachmentId, ticket.Id, cancellationToken);
        for (var i = ticket.MovedFrom.Count - 1; content is null && i >= 0; i--)
            content = await store.OpenReadAsync(ticket.TenantId, attachmentId, ticket.MovedFrom[i], cancellationToken);
        if (content is null) return ApiError.AttachmentNotFound;
        return new AttachmentDownload(linked.Filename, ServedContentType(linked.ContentType), linked.Size, content);
    }

    /// <summary>
    /// An upload a comment linked (to the comment's ticket: this one or a predecessor): served through the ticket's route
    /// when the caller may read the comment. An internal note's attachment is 404 for a requester, as the note is.
    /// </summary>
    private async Task<Outcome<AttachmentDownload>> DownloadOfCommentAsync(CheckedCaller caller, Ticket ticket, string attachmentId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(attachmentId, "D", out var parsed)) return ApiError.AttachmentNotFound;
        var id = parsed.ToString("D");
        var comment = await comments.FindCommentLinkingAsync(ticket.TenantId, [ticket.Id, .. ticket.MovedFrom], id, cancellationToken);
        if (comment is null || !comment.IsPublic && !Permissions.CanReadInternal(caller.Caller)) return ApiError.AttachmentNotFound;
        if (AttachmentLinks.Of(id, comment.Attachments.FirstOrDefault(a => a?["id"]?.GetValue<string>() == id)) is not { } linked)
            return ApiError.AttachmentNotFound;
        var content = await store.OpenReadAsync(ticket.TenantId, id, comment.TicketId, cancellationToken);
        return content is null ? ApiError.AttachmentNotFound : new AttachmentDownload(linked.Filename, ServedContentType(linked.ContentType), linked.Size, content);
    }

    /// <summary>The stored type when it is in <see cref="ServedAsStored"/>, else <c>application/octet-stream</c>.</summary>
    public static string ServedContentType(string stored)
    {
        var media = stored.Split(';', 2)[0].Trim();
        return ServedAsStored.Contains(media) ? stored : UploadBody.DefaultContentType;
    }

    /// <summary>429 with Retry-After: when the caller's oldest pending upload expires (at least a second).</summary>
    private ApiError QuotaExceeded(PendingUsage usage, DateTimeOffset now)
    {
        logger.LogInformation("Upload refused: the caller's {Count} pending uploads ({Bytes} bytes) are at the quota", usage.Count, usage.Bytes);
        var wait = usage.OldestUploadedAt is { } oldest && DateTimeOffset.TryParse(oldest, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var uploadedAt)
            ? uploadedAt + AttachmentOptions.PendingLifetime - now
            : TimeSpan.Zero;
        return ApiError.UploadQuotaExceeded(options.Value.MaxPendingUploads, options.Value.MaxPendingBytes, wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait);
    }

    // A multipart body carries its boundaries and part headers besides the file: a little more is let in up front,
    // and the file itself is held to the limit exactly while it streams.
    private static long MultipartAllowance(string? contentType) =>
        contentType is not null && contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) ? 64 * 1024 : 0;
}
