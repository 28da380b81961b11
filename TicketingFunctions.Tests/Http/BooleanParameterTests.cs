using System.Net;
using static TicketingFunctions.Tests.Http.AttachmentApi;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

/// <summary>
/// Issue 21 (L6): every boolean in a query string or header follows one rule, exactly <c>true</c> or <c>false</c>
/// in lower case. Each flag is swept on every operation that reads it, with the spellings the rule refuses.
/// </summary>
public sealed class BooleanParameterTests : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    private string _objectId = "";
    public async Task InitializeAsync()
    {
        Api = await TestApi.StartAsync();
        _objectId = (await Api.CreateTicketAsync()).ObjectId();
    }
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private string Admin => Api.Token(roles: "tenant_admin", teams: "");

    /// <summary>Every operation that takes a flag, as a request with the flag's value given.</summary>
    private IEnumerable<(string Name, string Key, Func<string, HttpRequestMessage> Request)> Flags()
    {
        foreach (var (operation, method, path, body) in new[]
                 {
                     ("create", HttpMethod.Post, TestApi.CreatePath, Bodies.ContractExample),
                     ("read", HttpMethod.Get, TicketPath(_objectId), null),
                     ("history", HttpMethod.Get, HistoryPath(_objectId), null),
                     ("list", HttpMethod.Get, TicketListApi.ListPath, null),
                 })
            yield return ($"issupportrequest on {operation}", "issupportrequest", v => Api.Request(method, path, Admin, body, supportHeader: v));
        yield return ("includeDeleted on read", "includeDeleted", v => Api.Request(HttpMethod.Get, TicketPath(_objectId) + "?includeDeleted=" + Uri.EscapeDataString(v), Admin));
        yield return ("includeDeleted on list", "includeDeleted", v => Api.Request(HttpMethod.Get, TicketListApi.ListPath + "?includeDeleted=" + Uri.EscapeDataString(v), Admin));
    }

    [Fact]
    public async Task Every_flag_takes_exactly_lower_case_true_or_false()
    {
        var failures = new List<string>();
        foreach (var (name, key, request) in Flags())
        {
            foreach (var accepted in new[] { "true", "false" })
            {
                var response = await Api.Client.SendAsync(request(accepted));
                if (response.StatusCode == HttpStatusCode.BadRequest) failures.Add($"{name}={accepted}: 400");
            }
            // (An empty header is not sent by HttpClient: an empty value is swept on the query parameters.)
            foreach (var refused in key == "includeDeleted" ? ["TRUE", "True", "FALSE", "1", "0", "yes", ""] : new[] { "TRUE", "True", "FALSE", "1", "0", "yes" })
            {
                var response = await Api.Client.SendAsync(request(refused));
                var reasons = response.StatusCode == HttpStatusCode.BadRequest ? (await response.JsonAsync()).Reasons(key) : [];
                var where = key == "includeDeleted" ? "Query parameter" : "Header";
                if (!reasons.SequenceEqual([$"{where} {key} must be true or false"])) failures.Add($"{name}='{refused}': {(int)response.StatusCode} [{string.Join("; ", reasons)}]");
            }
        }
        Assert.Empty(failures);
    }
}
