using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Attachments;

/// <summary>An upload request as the function read it.</summary>
public sealed record UploadRequest(string? ContentType, string? Filename, long? ContentLength, Stream Body);

/// <summary>The bytes of a linked attachment and how to serve them.</summary>
public sealed record AttachmentDownload(string Filename, string ContentType, long Size, Stream Content);

/// <summary>
/// Uploads and downloads. Upload checks, first failure wins: the request pipeline's (token → headers 400 → tenant 404 →
/// scope and write role 401) → a declared length over the limit 413 → the body's form (Content-Type, x-filename, multipart) 400
/// → empty 400 → bytes over the limit while streaming 413, a body that stops arriving 408. Download: read's checks on the ticket, then 404 unless the
/// attachment is linked to it.
/// </summary>
public sealed class AttachmentService(
    TicketAccessor tickets,
    IAttachmentStore store,
    IOptions<AttachmentOptions> options,
    TimeProvider time,
    ILogger<AttachmentService> logger)
{
    /// <summary>Media types a browser would render as a page, with scripts: always served as bytes to save.</summary>
    public static readonly IReadOnlySet<string> ActiveContentTypes =
        new HashSet<string>(["text/html", "image/svg+xml", "application/xhtml+xml"], StringComparer.OrdinalIgnoreCase);

    public async Task<Outcome<AttachmentRecord>> UploadAsync(CheckedCaller checkedCaller, UploadRequest request, CancellationToken cancellationToken)
    {
        var caller = checkedCaller.Caller;
        var maxBytes = options.Value.MaxBytes;
        if (request.ContentLength > maxBytes + MultipartAllowance(request.ContentType)) return ApiError.AttachmentTooLarge(maxBytes);

        var errors = new ValidationErrors();
        var part = await UploadBody.OpenAsync(request.ContentType, request.Filename, request.Body, errors, cancellationToken);
        if (part is null) return ApiError.Invalid(errors);
        var filename = AttachmentFilename.Clean(part.Filename, out var problem);
        if (filename is null)
        {
            errors.Add(part.FilenameKey, problem!);
            return ApiError.Invalid(errors);
        }

        using var content = new AttachmentContent(part.Content, maxBytes);
        try
        {
            if (!await content.HasContentAsync(cancellationToken))
            {
                errors.Add("body", "The attachment is empty");
                return ApiError.Invalid(errors);
            }
            var upload = new NewAttachment(Guid.NewGuid().ToString(), caller.TenantId!, filename, part.ContentType, caller.Username,
                TicketFactory.Timestamp(time.GetUtcNow()));
            var record = await store.UploadAsync(upload, content, cancellationToken);
            // The pending upload that a refused multipart body leaves is never answered, so never linked: the sweep takes it.
            if (!await UploadBody.HasNoMorePartsAsync(part, cancellationToken))
            {
                errors.Add("body", "A multipart/form-data upload must have exactly one part, the file");
                return ApiError.Invalid(errors);
            }
            logger.LogInformation("Uploaded attachment {AttachmentId} ({Size} bytes)", record.Id, record.Size);
            return record;
        }
        catch (AttachmentTooLargeException)
        {
            return ApiError.AttachmentTooLarge(maxBytes);
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
        if (AttachmentLinks.Linked(ticket, attachmentId) is not { } linked) return ApiError.AttachmentNotFound;

        var content = await store.OpenReadAsync(ticket.TenantId, attachmentId, ticket.Id, cancellationToken);
        if (content is null) return ApiError.AttachmentNotFound;
        return new AttachmentDownload(linked.Filename, ServedContentType(linked.ContentType), linked.Size, content);
    }

    /// <summary>The stored type, except that pages a browser would run are served as <c>application/octet-stream</c>.</summary>
    public static string ServedContentType(string stored)
    {
        var media = stored.Split(';', 2)[0].Trim();
        return ActiveContentTypes.Contains(media) || media.Length == 0 ? UploadBody.DefaultContentType : stored;
    }

    // A multipart body carries its boundaries and part headers besides the file: a little more is let in up front,
    // and the file itself is held to the limit exactly while it streams.
    private static long MultipartAllowance(string? contentType) =>
        contentType is not null && contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) ? 64 * 1024 : 0;
}
