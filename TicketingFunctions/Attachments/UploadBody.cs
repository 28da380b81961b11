using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Attachments;

/// <summary>The file of an upload request as sent: its name, its media type and the stream of its bytes.</summary>
public sealed record UploadPart(string? Filename, string FilenameKey, string ContentType, Stream Content);

/// <summary>
/// Finds the file in an upload body without reading it: either the whole body (raw bytes, named by <c>x-filename</c>,
/// typed by <c>Content-Type</c>) or the one file part of a <c>multipart/form-data</c> body, whose section stream
/// reads up to the next boundary (<see cref="MultipartFileStream"/>: its end is reported only after the closing boundary
/// and no second part). Either way the bytes are read later, once, as they arrive. The server's refusals of the
/// transport (<see cref="Microsoft.AspNetCore.Http.BadHttpRequestException"/>: a stall, a bad chunk) pass through.
/// </summary>
public static class UploadBody
{
    public const string FilenameHeader = "x-filename";
    public const string DefaultContentType = "application/octet-stream";
    private const int MaxBoundaryLength = 70;   // RFC 2046

    public static async Task<UploadPart?> OpenAsync(string? contentType, string? filenameHeader, Stream body, ValidationErrors errors, CancellationToken cancellationToken)
    {
        MediaTypeHeaderValue? mediaType = null;
        if (contentType is not null && !MediaTypeHeaderValue.TryParse(contentType, out mediaType))
        {
            errors.Add(HeaderNames.ContentType, "Header Content-Type is not a media type");
            return null;
        }

        if (mediaType is not null && mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
            if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > MaxBoundaryLength)
            {
                errors.Add(HeaderNames.ContentType, "A multipart/form-data body needs a boundary of 1 to 70 characters");
                return null;
            }
            var reader = new MultipartReader(boundary, body);
            MultipartSection? section;
            try
            {
                section = await reader.ReadNextSectionAsync(cancellationToken);
            }
            catch (IOException e) when (e is not Microsoft.AspNetCore.Http.BadHttpRequestException)
            {
                section = null;
            }
            catch (InvalidDataException)
            {
                section = null;
            }
            var disposition = section?.GetContentDispositionHeader();
            if (section is null || disposition is null || !disposition.IsFileDisposition())
            {
                errors.Add("body", "A multipart/form-data upload must start with its one file part (Content-Disposition: form-data; name=\"file\"; filename=\"…\")");
                return null;
            }
            var filename = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value is { Length: > 0 } star ? star : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
            var partType = section.ContentType;
            if (partType is not null && !MediaTypeHeaderValue.TryParse(partType, out _))
            {
                errors.Add("body", "The file part's Content-Type is not a media type");
                return null;
            }
            return new UploadPart(filename, "filename", Normalize(partType) ?? DefaultContentType, new MultipartFileStream(section.Body, reader));
        }

        if (string.IsNullOrEmpty(filenameHeader))
        {
            errors.Add(FilenameHeader, $"Header {FilenameHeader} is required unless the body is multipart/form-data");
            return null;
        }
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(filenameHeader);
        }
        catch (UriFormatException)
        {
            decoded = filenameHeader;
        }
        return new UploadPart(decoded, FilenameHeader, Normalize(contentType) ?? DefaultContentType, body);
    }

    /// <summary>The media type in lower case, with its charset if it has one; other parameters are dropped.</summary>
    public static string? Normalize(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed)) return null;
        var media = parsed.MediaType.Value!.ToLowerInvariant();
        return parsed.Charset.HasValue && parsed.Charset.Length > 0 ? $"{media}; charset={parsed.Charset.Value!.ToLowerInvariant()}" : media;
    }
}
