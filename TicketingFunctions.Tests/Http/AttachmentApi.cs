using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TicketingFunctions.Tests.Http;

/// <summary>Calls of the attachment and delete APIs over a <see cref="TestApi"/>, and bodies that link or relate.</summary>
public static class AttachmentApi
{
    public const string UploadPath = "/api/v2/ticketing/attachment";

    public static string DownloadPath(string objectId, string attachmentId) =>
        $"/api/v2/ticketing/ticket/{Uri.EscapeDataString(objectId)}/attachment/{Uri.EscapeDataString(attachmentId)}";

    /// <summary>A raw upload: the bytes, their Content-Type and the percent-encoded name in x-filename (left out when null).</summary>
    public static Task<HttpResponseMessage> UploadAsync(this TestApi api, byte[] bytes, string? filename = "note.txt", string? contentType = "text/plain",
        string? token = null, string tenantHeader = TestApi.Tenant) =>
        api.UploadAsync(new ByteArrayContent(bytes), filename, contentType, token, tenantHeader);

    public static Task<HttpResponseMessage> UploadAsync(this TestApi api, HttpContent content, string? filename, string? contentType,
        string? token = null, string tenantHeader = TestApi.Tenant)
    {
        var request = api.Request(HttpMethod.Post, UploadPath, token ?? api.Token(), tenantHeader: tenantHeader);
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Content = content;
        if (filename is not null) request.Headers.TryAddWithoutValidation("x-filename", Uri.EscapeDataString(filename));
        return api.Client.SendAsync(request);
    }

    /// <summary>A multipart/form-data upload with one file part.</summary>
    public static Task<HttpResponseMessage> UploadMultipartAsync(this TestApi api, byte[] bytes, string filename, string contentType, string? token = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(file, "file", filename);
        var request = api.Request(HttpMethod.Post, UploadPath, token ?? api.Token());
        request.Content = form;
        return api.Client.SendAsync(request);
    }

    /// <summary>Uploads and answers the upload's id.</summary>
    public static async Task<string> UploadIdAsync(this TestApi api, byte[]? bytes = null, string filename = "note.txt", string contentType = "text/plain",
        string? token = null, string tenantHeader = TestApi.Tenant)
    {
        var response = await api.UploadAsync(bytes ?? "hello"u8.ToArray(), filename, contentType, token, tenantHeader);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    public static Task<HttpResponseMessage> DownloadAsync(this TestApi api, string objectId, string attachmentId, string? token = null) =>
        api.Client.SendAsync(api.Request(HttpMethod.Get, DownloadPath(objectId, attachmentId), token ?? api.Token()));

    public static Task<HttpResponseMessage> DeleteTicketAsync(this TestApi api, string objectId, string? ifMatch, string? token = null)
    {
        var request = api.Request(HttpMethod.Delete, TicketLifecycleApi.TicketPath(objectId), token ?? api.Token(roles: "ticket_agent"));
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return api.Client.SendAsync(request);
    }

    /// <summary>The contract example linking these uploads (id → description, null for none).</summary>
    public static string WithAttachments(params (string Id, string? Description)[] attachments) => Bodies.Example(b =>
    {
        var map = new JsonObject();
        foreach (var (id, description) in attachments)
            map[id] = description is null ? new JsonObject() : new JsonObject { ["description"] = description };
        b["attachments"] = map;
    });

    /// <summary>The contract example related to another ticket.</summary>
    public static string WithRelation(string objectId, string type = "parent") =>
        Bodies.Example(b => b["ticketRelation"] = new JsonObject { ["objectId"] = objectId, ["type"] = type });

    public static string Etag(this JsonElement ticket) => ticket.GetProperty("etag").GetString()!;

    public static string ObjectId(this JsonElement ticket) => ticket.GetProperty("object_id").GetString()!;

    public static string Quote(string etag) => $"\"{etag}\"";

    public static async Task<JsonElement> TicketOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("ticket");
    }

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
