using System.Text.Json;

namespace TicketingFunctions.Tests.Http;

/// <summary>Calls of the comment operations over a <see cref="TestApi"/>.</summary>
public static class CommentApi
{
    public static string CommentsPath(string objectId) => $"/api/v2/ticketing/ticket/{Uri.EscapeDataString(objectId)}/comments";

    public static string CommentBody(string body, string? visibility = null, params string[] attachments) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["body"] = body,
        ["visibility"] = visibility,
        ["attachments"] = attachments,
    }.Where(p => p.Value is not null && p.Value is not string[] { Length: 0 }).ToDictionary());

    public static Task<HttpResponseMessage> CommentAsync(this TestApi api, string objectId, string body, string? token = null) =>
        api.Client.SendAsync(api.Request(HttpMethod.Post, CommentsPath(objectId), token ?? api.Token(), body));

    public static string CommentPath(string objectId, string commentId) => $"{CommentsPath(objectId)}/{Uri.EscapeDataString(commentId)}";

    public static Task<HttpResponseMessage> EditCommentAsync(this TestApi api, string objectId, string commentId, string body, string? ifMatch, string? token = null)
    {
        var request = api.Request(HttpMethod.Patch, CommentPath(objectId, commentId), token ?? api.Token(), body);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return api.Client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> RedactCommentAsync(this TestApi api, string objectId, string commentId, string? token = null) =>
        api.Client.SendAsync(api.Request(HttpMethod.Post, CommentPath(objectId, commentId) + "/redact", token ?? api.Token()));

    public static Task<HttpResponseMessage> CommentsAsync(this TestApi api, string objectId, string? token = null, string query = "") =>
        api.Client.SendAsync(api.Request(HttpMethod.Get, CommentsPath(objectId) + query, token ?? api.Token()));
}
