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

    public static Task<HttpResponseMessage> CommentsAsync(this TestApi api, string objectId, string? token = null, string query = "") =>
        api.Client.SendAsync(api.Request(HttpMethod.Get, CommentsPath(objectId) + query, token ?? api.Token()));
}
