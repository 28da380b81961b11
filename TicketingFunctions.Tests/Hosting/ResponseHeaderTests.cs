using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TicketingFunctions.Hosting;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.OpenApi;

namespace TicketingFunctions.Tests.Hosting;

/// <summary>Headers every response should have (and not have), and CORS for browser clients.</summary>
public sealed class ResponseHeaderTests
{
    private const string Allowed = "https://app.example.com";

    [Fact]
    public async Task Kestrel_sends_no_server_header_on_a_real_socket_and_the_worker_is_configured_the_same()
    {
        var settings = TestApi.DefaultSettings(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var app = StandaloneHost.Build(StandaloneHost.CreateBuilder(["--urls", "http://127.0.0.1:0", "--environment", "Testing"], settings));
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()) };
            foreach (var path in new[] { "/api/openapi.json", "/api/v2/ticketing/ticket-type", "/api/unknown" })
                Assert.False((await client.GetAsync(path)).Headers.Contains("Server"), path);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        using var worker = FunctionsWorkerHost.CreateBuilder([]).Build();
        Assert.False(worker.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.AddServerHeader);
    }

    [Fact]
    public async Task Json_answers_on_a_real_socket_carry_their_length_and_are_not_chunked()
    {
        // The body is written whole before it is sent (HttpResults), so Kestrel sends headers and body in one write.
        await using var api = await TestApi.StartOnLoopbackAsync();
        var created = await api.CreateAsync(Bodies.ContractExample);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var responses = new[]
        {
            created,
            await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/CTC-0001", api.Token())),
            await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/list", api.Token())),
            await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/CTC-9999", api.Token())),
            await api.CreateAsync("{\"summary\":"),
            await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", "bad-token")),
        };
        foreach (var response in responses)
        {
            var what = $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri} {(int)response.StatusCode}";
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(body.Length > 0, what);
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            System.Text.Json.JsonDocument.Parse(body).Dispose();
        }
    }

    [Fact]
    public async Task Every_authenticated_answer_is_no_store_and_the_openapi_document_is_not()
    {
        await using var api = await TestApi.StartAsync();
        var responses = new[]
        {
            await api.CreateAsync(Bodies.ContractExample),
            await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/CTC-0001", api.Token())),
            await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/CTC-0001/history", api.Token())),
            await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", api.Token())),
            await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/tenant/sc/offers", api.Token())),
            await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/CTC-9999", api.Token())),
            await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", "bad-token")),
        };

        Assert.All(responses, r => Assert.True(r.Headers.CacheControl?.NoStore, $"{r.RequestMessage!.RequestUri} {(int)r.StatusCode}"));
        Assert.Null((await api.Client.GetAsync("/api/openapi.yaml")).Headers.CacheControl);
    }

    [Fact]
    public async Task Without_allowed_origins_there_is_no_cors()
    {
        await using var api = await TestApi.StartAsync();
        var preflight = await api.Client.SendAsync(Preflight(Allowed));
        var simple = api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", api.Token());
        simple.Headers.Add("Origin", Allowed);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, preflight.StatusCode);
        Assert.False((await api.Client.SendAsync(simple)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Allowed_origins_get_preflight_and_cors_headers_others_get_neither()
    {
        await using var api = await TestApi.StartAsync(s => s["Cors:AllowedOrigins"] = $" {Allowed} , https://other.example.com");

        var preflight = await api.Client.SendAsync(Preflight(Allowed));
        var refused = await api.Client.SendAsync(Preflight("https://evil.example"));
        var simple = api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", api.Token());
        simple.Headers.Add("Origin", Allowed);
        var actual = await api.Client.SendAsync(simple);
        var foreign = api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", api.Token());
        foreign.Headers.Add("Origin", "https://evil.example");
        var foreignActual = await api.Client.SendAsync(foreign);

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(Allowed, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PATCH", preflight.Headers.GetValues("Access-Control-Allow-Methods").Single());
        var allowedHeaders = preflight.Headers.GetValues("Access-Control-Allow-Headers").Single().ToLowerInvariant();
        foreach (var header in new[] { "authorization", "content-type", "x-tenantid", "realmname", "idempotency-key", "if-match" })
            Assert.Contains(header, allowedHeaders);
        Assert.True(preflight.Headers.Contains("x-correlation-id"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));

        Assert.Equal(HttpStatusCode.OK, actual.StatusCode);
        Assert.Equal(Allowed, actual.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("ETag", actual.Headers.GetValues("Access-Control-Expose-Headers").Single());
        Assert.False(foreignActual.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Routing_answers_outside_the_functions_carry_a_correlation_id()
    {
        await using var api = await TestApi.StartAsync();
        var unknown = new HttpRequestMessage(HttpMethod.Get, "/api/unknown");
        unknown.Options.Set(OpenApiConformance.Unchecked, "an undocumented path on purpose");
        var wrongMethod = new HttpRequestMessage(HttpMethod.Delete, "/api/v2/ticketing/ticket-type");
        wrongMethod.Headers.Add("x-correlation-id", "trace-7");

        var notFound = await api.Client.SendAsync(unknown);
        var notAllowed = await api.Client.SendAsync(wrongMethod);

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.True(Guid.TryParse(notFound.Headers.GetValues("x-correlation-id").Single(), out _));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, notAllowed.StatusCode);
        Assert.Equal("trace-7", notAllowed.Headers.GetValues("x-correlation-id").Single());
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, TestApi.CreatePath);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, x-tenantid, realmname");
        // Preflights belong to CORS, not to an operation: openapi.yaml documents none (see docs on CORS).
        request.Options.Set(OpenApiConformance.Unchecked, "a CORS preflight");
        return request;
    }
}
