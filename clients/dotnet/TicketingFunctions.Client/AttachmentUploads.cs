using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using TicketingFunctions.Client.Models;

namespace TicketingFunctions.Client.V2.Ticketing.Attachment;

/// <summary>
/// Uploads a file. The generated <c>PostAsync</c> can't: it serializes <see cref="AttachmentPostRequestBody"/> as
/// multipart, which Kiota's multipart writer refuses ("Expected a MultiPartBody instance"). The API also takes the
/// file as the whole request body, named by <c>x-filename</c>, and that needs no multipart at all.
/// </summary>
public partial class AttachmentRequestBuilder
{
    // The generated PostAsync's error mapping (openapi.yaml's responses of POST /v2/ticketing/attachment).
    private static readonly Dictionary<string, ParsableFactory<IParsable>> UploadErrors = new()
    {
        ["400"] = ValidationError.CreateFromDiscriminatorValue,
        ["401"] = UnauthorizedError.CreateFromDiscriminatorValue,
        ["404"] = TenantNotFoundError.CreateFromDiscriminatorValue,
        ["408"] = RequestTimeoutError.CreateFromDiscriminatorValue,
        ["413"] = PayloadTooLargeError.CreateFromDiscriminatorValue,
        ["429"] = UploadQuotaExceededError.CreateFromDiscriminatorValue,
        ["500"] = InternalError.CreateFromDiscriminatorValue,
        ["503"] = ServiceUnavailableError.CreateFromDiscriminatorValue,
    };

    /// <summary>Uploads <paramref name="content"/> as a file called <paramref name="fileName"/>.</summary>
    /// <param name="fileName">The name the ticket will show (any characters: it is sent percent-encoded).</param>
    /// <param name="contentType">The file's media type, e.g. <c>application/pdf</c>; stored and served back.</param>
    /// <returns>The upload record: link its <see cref="AttachmentResponse.Id"/> in a create's or update's <c>attachments</c>.</returns>
    public async Task<AttachmentResponse> UploadAsync(Stream content, string fileName, string contentType,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        var request = new RequestInformation(Method.POST, UrlTemplate, PathParameters);
        request.Headers.TryAdd("Accept", "application/json");
        request.Headers.TryAdd("x-filename", Uri.EscapeDataString(fileName));
        request.SetStreamContent(content, contentType);
        var uploaded = await RequestAdapter.SendAsync(request, AttachmentResponse.CreateFromDiscriminatorValue, UploadErrors, cancellationToken)
            .ConfigureAwait(false);
        return uploaded ?? throw new InvalidOperationException("The upload answered without a body.");
    }

    /// <summary>Uploads the file at <paramref name="path"/> under its own name.</summary>
    public async Task<AttachmentResponse> UploadFileAsync(string path, string contentType, CancellationToken cancellationToken = default)
    {
        await using var file = File.OpenRead(path);
        return await UploadAsync(file, Path.GetFileName(path), contentType, cancellationToken).ConfigureAwait(false);
    }
}
