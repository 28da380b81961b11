using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Auth;
using TicketingFunctions.Hosting;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.Observability;

namespace TicketingFunctions.Tests.Hosting;

/// <summary>
/// Bodies whose HTTP framing is broken, sent byte by byte to the standalone host's real Kestrel: a malformed chunk
/// answers 400 keyed "body", a body that stops arriving (a stalled chunk, fewer bytes than its Content-Length) 408, each in the contract's error shape,
/// logged as one warning line without a stack. Kestrel's minimum body data rate is shortened so a stall is noticed
/// after about 2 s; the tests wait for the response, never on a timer.
/// </summary>
public sealed class BrokenBodySocketTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private readonly CapturingLoggerProvider _logs = new();
    private int _port;
    private string _token = "";
    private string _updatePath = "";

    public async Task InitializeAsync()
    {
        var settings = TestApi.DefaultSettings(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var builder = StandaloneHost.CreateBuilder(["--urls", "http://127.0.0.1:0", "--environment", "Testing"], settings);
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 100, gracePeriod: TimeSpan.FromSeconds(2)));
        builder.Logging.AddProvider(_logs);
        _app = StandaloneHost.Build(builder);
        await _app.StartAsync();
        _port = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        var auth = new AuthOptions { IssuerTemplate = settings["Auth:IssuerTemplate"]!, Audience = settings["Auth:Audience"]!, DevSigningKey = settings["Auth:DevSigningKey"] };
        _token = DevTokenIssuer.Issue(auth, new DevTokenRequest(TestApi.Tenant, "demo", ["ticket_user"], ["james"], "tickets:read tickets:write"));

        var created = await SendAsync("POST", TestApi.CreatePath, $"Content-Length: {Encoding.UTF8.GetByteCount(Bodies.ContractExample)}\r\n", Bodies.ContractExample);
        Assert.Equal(200, created.Status);
        _updatePath = "/api/v2/ticketing/ticket/update/" + created.Json.GetProperty("objectId").GetString();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task<RawResponse> SendAsync(string method, string path, string framingHeaders, string body) =>
        RawHttpExchange.SendAsync(_port,
            $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {_token}\r\nx-tenantid: {TestApi.Tenant}\r\nrealmname: demo\r\n" +
            $"Content-Type: application/json\r\nConnection: close\r\n{framingHeaders}\r\n", body);

    private void AssertLoggedOnceWithoutStack(string reason)
    {
        var lines = _logs.Lines.ToArray();
        Assert.Single(lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Request body refused by the server", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Unhandled", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
    }

    private static void AssertBadFraming(RawResponse response)
    {
        Assert.Equal(400, response.Status);
        Assert.Equal("INPUT_VALIDATION_FAILURE", response.Json.GetProperty("code").GetString());
        Assert.Equal(["body"], response.Json.ReasonKeys());
        Assert.Equal(["Request body could not be read: its HTTP framing is invalid (for example a malformed chunk)"], response.Json.Reasons("body"));
        Assert.Contains("x-correlation-id:", response.Head, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertTimedOut(RawResponse response)
    {
        Assert.Equal(408, response.Status);
        Assert.Equal("""{"error":true,"code":"REQUEST_TIMEOUT","message":"The request body did not arrive in time; send it again","status":408}""", response.Json.GetRawText());
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task An_invalid_chunk_size_is_a_400_keyed_body(string method)
    {
        var response = await SendAsync(method, method == "POST" ? TestApi.CreatePath : _updatePath, "Transfer-Encoding: chunked\r\n", "zz\r\n{}\r\n0\r\n\r\n");
        AssertBadFraming(response);
        AssertLoggedOnceWithoutStack("(400)");
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task A_chunk_longer_than_its_size_is_a_400_keyed_body(string method)
    {
        var response = await SendAsync(method, method == "POST" ? TestApi.CreatePath : _updatePath, "Transfer-Encoding: chunked\r\n", "2\r\n{}XX\r\n0\r\n\r\n");
        AssertBadFraming(response);
        AssertLoggedOnceWithoutStack("(400)");
    }

    [Theory]
    [InlineData("POST", "Content-Length: 500\r\n", "{\"summary\":")]
    [InlineData("PATCH", "Content-Length: 500\r\n", "{\"summary\":")]
    [InlineData("POST", "Transfer-Encoding: chunked\r\n", "b\r\n{\"summary\":\r\n")]
    [InlineData("PATCH", "Transfer-Encoding: chunked\r\n", "b\r\n{\"summary\":\r\n")]
    public async Task A_body_that_stops_arriving_is_a_408(string method, string framing, string partialBody)
    {
        var response = await SendAsync(method, method == "POST" ? TestApi.CreatePath : _updatePath, framing, partialBody);
        AssertTimedOut(response);
        AssertLoggedOnceWithoutStack("(408)");
    }
}
