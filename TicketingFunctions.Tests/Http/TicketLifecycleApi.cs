using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace TicketingFunctions.Tests.Http;

/// <summary>Calls of the ticket lifecycle APIs (read, update, history) over a <see cref="TestApi"/>.</summary>
public static class TicketLifecycleApi
{
    public static string TicketPath(string objectId) => $"/api/v2/ticketing/ticket/{Uri.EscapeDataString(objectId)}";
    public static string UpdatePath(string objectId) => $"/api/v2/ticketing/ticket/update/{Uri.EscapeDataString(objectId)}";
    public static string HistoryPath(string objectId) => $"/api/v2/ticketing/ticket/{Uri.EscapeDataString(objectId)}/history";

    /// <summary>Creates the contract's example ticket (or <paramref name="body"/>) and returns its create answer's ticket.</summary>
    public static async Task<JsonElement> CreateTicketAsync(this TestApi api, string body = Bodies.ContractExample, string? token = null, string path = TestApi.CreatePath,
        string tenantHeader = TestApi.Tenant)
    {
        var response = await api.Client.SendAsync(api.Request(HttpMethod.Post, path, token ?? api.Token(), body, tenantHeader));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("ticket");
    }

    public static Task<HttpResponseMessage> GetTicketAsync(this TestApi api, string objectId, string? token = null, string tenantHeader = TestApi.Tenant, string? realmHeader = TestApi.Realm) =>
        api.Client.SendAsync(api.Request(HttpMethod.Get, TicketPath(objectId), token ?? api.Token(), tenantHeader: tenantHeader, realmHeader: realmHeader));

    public static Task<HttpResponseMessage> GetHistoryAsync(this TestApi api, string objectId, string? token = null, string tenantHeader = TestApi.Tenant) =>
        api.Client.SendAsync(api.Request(HttpMethod.Get, HistoryPath(objectId), token ?? api.Token(), tenantHeader: tenantHeader));

    public static Task<HttpResponseMessage> PatchAsync(this TestApi api, string objectId, string body, string? token = null, string? ifMatch = null,
        string tenantHeader = TestApi.Tenant, string? realmHeader = TestApi.Realm)
    {
        var request = api.Request(HttpMethod.Patch, UpdatePath(objectId), token ?? api.Token(), body, tenantHeader, realmHeader);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return api.Client.SendAsync(request);
    }

    /// <summary>A PATCH body: the etag (left out when null) and the given JSON members, e.g. <c>"summary":"x"</c>.</summary>
    public static string Patch(string? etag, string members = "") =>
        "{" + string.Join(",", new[] { etag is null ? null : $"\"etag\":{JsonSerializer.Serialize(etag)}", members.Length == 0 ? null : members }.Where(p => p is not null)) + "}";

    public static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string code, string? message = null)
    {
        Assert.Equal(status, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.True(json.GetProperty("error").GetBoolean());
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        if (message is not null) Assert.Equal(message, json.GetProperty("message").GetString());
        else Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("message").GetString()));
    }

    public const string TicketNotFoundBody = """{"error":true,"code":"TICKET_NOT_FOUND","message":"Ticket not found","status":404}""";

    public static string? ETagHeader(this HttpResponseMessage response) => response.Headers.ETag?.ToString();

    public static EntityTagHeaderValue Quoted(string etag) => new($"\"{etag}\"");
}
