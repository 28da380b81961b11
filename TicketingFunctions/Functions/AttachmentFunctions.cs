using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using TicketingFunctions.Api;
using TicketingFunctions.Attachments;
using TicketingFunctions.Auth;
using TicketingFunctions.Services;

namespace TicketingFunctions.Functions;

/// <summary>Upload of a file (raw or multipart/form-data, streamed) and download of one linked to a ticket.</summary>
public sealed class AttachmentFunctions(AttachmentService service, RequestPipeline pipeline)
{
    [Function("UploadAttachment")]
    public Task<IActionResult> Upload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.UploadAttachment)] HttpRequest req,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Write, "upload attachment", async caller =>
        {
            string? filename = req.Headers.TryGetValue(UploadBody.FilenameHeader, out var name) ? name.ToString() : null;
            var request = new UploadRequest(req.ContentType, filename, req.ContentLength, req.Body);
            var outcome = await service.UploadAsync(caller, request, cancellationToken);
            return outcome.Error is not null
                ? HttpResults.Error(outcome.Error, req)
                : HttpResults.Json(200, ResponseOf(outcome.Value!), ApiJsonContext.Default.AttachmentResponse);
        }, cancellationToken);

    [Function("DownloadAttachment")]
    public Task<IActionResult> Download(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.TicketAttachment)] HttpRequest req,
        string objectId,
        string attachmentId,
        CancellationToken cancellationToken) => pipeline.RunAsync(req, Permission.Read, "read ticket", async caller =>
        {
            var outcome = await service.DownloadAsync(caller, objectId, attachmentId, cancellationToken);
            if (outcome.Error is not null) return HttpResults.Error(outcome.Error, req);
            var download = outcome.Value!;
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(download.Filename);
            return HttpResults.Stream(200, download.ContentType, download.Size, download.Content,
                (HeaderNames.ContentDisposition, disposition.ToString()),
                (HeaderNames.XContentTypeOptions, "nosniff"),
                (HeaderNames.CacheControl, "no-store"));
        }, cancellationToken, objectId);

    private static AttachmentResponse ResponseOf(Attachments.Storage.AttachmentRecord record) =>
        new(record.Id, record.Filename, record.ContentType, record.Size, record.Sha256, record.UploadedBy, record.UploadedAt);
}
