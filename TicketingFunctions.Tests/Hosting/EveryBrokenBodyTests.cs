using TicketingFunctions.Attachments.Storage;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.OpenApi;

namespace TicketingFunctions.Tests.Hosting;

public sealed class EveryBrokenBodyOnEmbeddedStore() : EveryBrokenBodyTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class EveryBrokenBodyOnCosmos(CosmosEmulatorFixture emulator) : EveryBrokenBodyTests(new CosmosHosts(emulator));

/// <summary>
/// Issue 21, "every operation, every broken body": every operation of openapi.yaml that takes a request body gets
/// each framing fault over a raw socket (HttpClient won't send them) on the standalone host's real Kestrel. Each
/// answer is a 400, 408, 413 or 415 in the error shape, never a 5xx, and nothing is stored: the tenant's tickets,
/// the existing ticket's etag and the caller's pending uploads are as before. A new operation with a body is swept
/// without touching this file. Stalls are found by Kestrel's minimum body data rate, shortened here to a 2 s grace:
/// the test waits for the server's answer, never on a timer of its own.
/// </summary>
public abstract class EveryBrokenBodyTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    private int _port;
    private string _objectId = "";

    public async Task InitializeAsync()
    {
        Api = await hosts.StartOnLoopbackAsync(services: s => s.Configure<KestrelServerOptions>(o =>
            o.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 100, gracePeriod: TimeSpan.FromSeconds(2))));
        _port = Api.BaseAddress.Port;
        _objectId = (await Api.CreateTicketAsync()).GetProperty("object_id").GetString()!;
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();

    private const string Boundary = "XyZ";
    private const string UnterminatedMultipart =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello, never closed";

    /// <summary>One framing fault: the framing and Content-Type it sends (given the operation's own media type), its bytes, and the answers allowed.</summary>
    private sealed record Fault(string Name, Func<BodyOperation, string> Headers, string Body, int[] Allowed);

    private sealed record BodyOperation(string OperationId, string Method, string Path, string MediaType, bool TakesAnyType);

    private static readonly Fault[] Faults =
    [
        new("bad chunk", op => $"Content-Type: {op.MediaType}\r\nTransfer-Encoding: chunked\r\n", "zz\r\n{}\r\n0\r\n\r\n", [400]),
        new("chunk longer than its size", op => $"Content-Type: {op.MediaType}\r\nTransfer-Encoding: chunked\r\n", "2\r\n{}XX\r\n0\r\n\r\n", [400]),
        new("short body", op => $"Content-Type: {op.MediaType}\r\nContent-Length: 500\r\n", "{\"summary\":", [408]),
        new("stall", op => $"Content-Type: {op.MediaType}\r\nTransfer-Encoding: chunked\r\n", "b\r\n{\"summary\":\r\n", [408]),
        // A JSON operation refuses any multipart body as the wrong type; the upload reads it and finds no end.
        new("unterminated multipart", _ => $"Content-Type: multipart/form-data; boundary={Boundary}\r\nContent-Length: {Encoding.UTF8.GetByteCount(UnterminatedMultipart)}\r\n",
            UnterminatedMultipart, [400, 415]),
        // An operation taking */* has no wrong type but a malformed one: multipart without its boundary.
        new("wrong content type", op => $"Content-Type: {(op.TakesAnyType ? "multipart/form-data" : "text/plain")}\r\nContent-Length: 2\r\n", "{}", [400, 415]),
        new("oversize", op => $"Content-Type: {op.MediaType}\r\nContent-Length: {100L * 1024 * 1024}\r\n", "", [413]),
    ];

    /// <summary>Every documented operation with a request body, its path parameters filled from their examples (the ticket's from this host).</summary>
    private IReadOnlyList<BodyOperation> OperationsWithBodies()
    {
        var contract = OpenApiContract.Instance;
        var operations = new List<BodyOperation>();
        foreach (var (method, template, operationId, operation) in contract.Operations)
        {
            if (operation["requestBody"]?["content"] is not JsonObject content) continue;
            var path = template;
            var query = new List<string>();
            foreach (var node in operation["parameters"]?.AsArray() ?? [])
            {
                var parameter = node!["$ref"] is { } r ? contract.Document["components"]!["parameters"]![r.GetValue<string>().Split('/')[^1]]! : node;
                var name = parameter["name"]!.GetValue<string>();
                var value = name == "objectId" ? _objectId : parameter["example"]?.ToString();
                switch (parameter["in"]!.GetValue<string>())
                {
                    case "path":
                        Assert.True(value is not null, $"{operationId}: path parameter {name} needs an example");
                        path = path.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
                        break;
                    case "query" when parameter["required"]?.GetValue<bool>() == true:
                        Assert.True(value is not null, $"{operationId}: required query parameter {name} needs an example");
                        query.Add($"{name}={Uri.EscapeDataString(value)}");
                        break;
                }
            }
            var types = content.Select(c => c.Key).ToList();
            var mediaType = types.Contains("application/json") ? "application/json" : types.Contains("application/octet-stream") ? "application/octet-stream" : types[0];
            operations.Add(new BodyOperation(operationId, method, query.Count == 0 ? path : $"{path}?{string.Join('&', query)}", mediaType, types.Contains("*/*")));
        }
        return operations;
    }

    private Task<RawResponse> SendAsync(string method, string path, string headers, string body) =>
        RawHttpExchange.SendAsync(_port,
            $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Api.Token(roles: "ticket_agent")}\r\nx-tenantid: {TestApi.Tenant}\r\nrealmname: {TestApi.Realm}\r\n" +
            $"x-filename: a.txt\r\nConnection: close\r\n{headers}\r\n", body);

    /// <summary>What a refused body must leave as it was: the tenant's tickets, the existing ticket's etag, the caller's pending uploads.</summary>
    private async Task<string> StoredStateAsync()
    {
        var list = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/list?pageSize=100", Api.Token(roles: "tenant_admin", teams: "")));
        var listed = (await list.JsonAsync()).GetProperty("tickets").EnumerateArray()
            .Select(t => $"{t.GetProperty("object_id").GetString()}@{t.GetProperty("etag").GetString()}").Order(StringComparer.Ordinal);
        var owner = new CallerIdentity(RealmAuthentication.IssuerFor(Api.Auth, TestApi.Realm), "user@example.com").Key;
        var pending = await Api.Services.GetRequiredService<IAttachmentStore>().PendingUsageAsync(TestApi.Tenant, owner, "2000-01-01T00:00:00.000Z", default);
        return $"{string.Join(",", listed)} | pending {pending.Count}/{pending.Bytes}";
    }

    private static void AssertRefusedInTheErrorShape(RawResponse response, Fault fault, string operationId)
    {
        var what = $"{operationId} with {fault.Name}: {response.Status} {(response.Json.ValueKind == JsonValueKind.Undefined ? "" : response.Json.GetRawText())}";
        Assert.True(response.Status < 500, what);
        Assert.Contains(response.Status, new[] { 400, 408, 413, 415 });
        Assert.True(fault.Allowed.Contains(response.Status), what);
        Assert.True(response.Json.ValueKind == JsonValueKind.Object, what);
        Assert.True(response.Json.GetProperty("error").GetBoolean(), what);
        Assert.Equal(response.Status, response.Json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("code").GetString()), what);
        if (response.Status == 400) Assert.NotEmpty(response.Json.ReasonKeys());
    }

    [Fact]
    public async Task Every_operation_with_a_body_answers_every_framing_fault_with_a_4xx_in_the_error_shape_and_stores_nothing()
    {
        var operations = OperationsWithBodies();
        // The four the document has today; a new one joins the sweep by being documented.
        Assert.Superset(new HashSet<string> { "createTicket", "updateTicket", "uploadAttachment", "moveTicket" }, operations.Select(o => o.OperationId).ToHashSet());
        var before = await StoredStateAsync();

        var cases = operations.SelectMany(op => Faults.Select(fault => (op, fault))).ToList();
        var answers = await Task.WhenAll(cases.Select(c => SendAsync(c.op.Method, c.op.Path, c.fault.Headers(c.op), c.fault.Body)));

        for (var i = 0; i < cases.Count; i++) AssertRefusedInTheErrorShape(answers[i], cases[i].fault, cases[i].op.OperationId);
        Assert.Equal(before, await StoredStateAsync());
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\n", "7\r\n--XyZ\r\n\r\n")]
    [InlineData("Content-Length: 500\r\n", "--XyZ\r\n")]
    [InlineData("Content-Length: 500\r\n", "")]
    public async Task A_multipart_upload_that_stalls_before_its_part_headers_is_a_408_and_stores_nothing(string framing, string sent)
    {
        // L7: the body gives its opening boundary (or nothing) and then no part headers; the documented answer is 408.
        var before = await StoredStateAsync();

        var response = await SendAsync("POST", AttachmentApi.UploadPath, $"Content-Type: multipart/form-data; boundary={Boundary}\r\n{framing}", sent);

        Assert.Equal(408, response.Status);
        Assert.Equal("""{"error":true,"code":"REQUEST_TIMEOUT","message":"The request body did not arrive in time; send it again","status":408}""", response.Json.GetRawText());
        Assert.Equal(before, await StoredStateAsync());
    }
}
