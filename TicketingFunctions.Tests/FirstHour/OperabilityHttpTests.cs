using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moq;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.Observability;

namespace TicketingFunctions.Tests.FirstHour;

/// <summary>Health, the request log, 403 bodies, WWW-Authenticate reasons, the docs page's switch and the document's CORS.</summary>
public sealed class OperabilityHttpTests
{
    [Fact]
    public async Task Health_answers_without_a_token_and_readiness_names_both_parts()
    {
        await using var api = await TestApi.StartAsync();
        var live = await api.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await live.Content.ReadAsStringAsync());

        var ready = await api.Client.GetAsync("/api/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("""{"status":"ready","checks":{"ticketStore":"ok","attachmentStore":"ok"}}""", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_is_503_naming_the_unreachable_attachment_store_and_no_secret()
    {
        var broken = new Mock<IAttachmentStore>();
        broken.Setup(s => s.CheckReadyAsync(It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("AccountKey=c2VjcmV0 at https://secret-account.blob.core.windows.net"));
        await using var api = await TestApi.StartAsync(services: s => s.AddSingleton(broken.Object));
        var ready = await api.Client.GetAsync("/api/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync();
        Assert.Equal("""{"status":"unavailable","checks":{"ticketStore":"ok","attachmentStore":"unreachable"}}""", body);
        Assert.DoesNotContain("secret", body);
    }

    [Fact]
    public async Task Readiness_gives_up_on_a_store_that_never_answers()
    {
        var hanging = new Mock<ITicketStore>();
        hanging.Setup(s => s.CheckReadyAsync(It.IsAny<CancellationToken>()))
            .Returns((CancellationToken ct) => Task.Delay(Timeout.Infinite, ct));
        await using var api = await TestApi.StartAsync(services: s => s.AddSingleton(hanging.Object));
        var ready = await api.Client.GetAsync("/api/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("\"ticketStore\":\"unreachable\"", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_request_writes_one_line_with_route_template_status_correlation_id_and_tenant_and_no_token()
    {
        var logs = new CapturingLoggerProvider();
        await using var api = await TestApi.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(logs));
        var token = api.Token();
        var created = await api.CreateAsync(Bodies.ContractExample, token);
        var objectId = (await created.JsonAsync()).GetProperty("ticket").GetProperty("object_id").GetString()!;
        var read = api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/" + objectId, token);
        read.Headers.Add("x-correlation-id", "trace-123");
        Assert.Equal(HttpStatusCode.OK, (await api.Client.SendAsync(read)).StatusCode);
        // The line is written once the response completed, which may be after the client has it.
        await logs.LineAsync(l => l.Contains("TicketingFunctions.Hosting.RequestLog") && l.Contains("POST "));
        await logs.LineAsync(l => l.Contains("TicketingFunctions.Hosting.RequestLog") && l.Contains("correlation trace-123"));
        var lines = logs.Lines.Where(l => l.Contains("TicketingFunctions.Hosting.RequestLog")).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Contains(lines, l => l.Contains($"POST /api/v2/ticketing/ticket/create/{{teamId}}/{{itemTypeId}} 200 ") && l.Contains($"tenant {TestApi.Tenant}"));
        var readLine = Assert.Single(lines, l => l.Contains("GET /api/v2/ticketing/ticket/{objectId} 200 "));
        Assert.Contains("correlation trace-123", readLine);
        Assert.Contains($"[Tenant={TestApi.Tenant}]", readLine);
        Assert.Contains("[ElapsedMs=", readLine);
        Assert.DoesNotContain(objectId, readLine[..readLine.IndexOf(" [", StringComparison.Ordinal)]);   // the message (the framework's own RequestPath scope follows it)
        Assert.DoesNotContain(logs.Lines, l => l.Contains(token));
    }

    [Fact]
    public async Task A_403_names_the_team_it_refused()
    {
        await using var api = await TestApi.StartAsync();
        var created = await api.CreateAsync(Bodies.ContractExample);
        var objectId = (await created.JsonAsync()).GetProperty("ticket").GetProperty("object_id").GetString()!;
        var read = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/" + objectId, api.Token(teams: "facilities")));
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal("""{"error":true,"code":"FORBIDDEN","message":"Your teams do not include team james","status":403}""", await read.Content.ReadAsStringAsync());
    }

    public static TheoryData<string, string> RefusedTokens() => new()
    {
        { "expired", "the token expired" },
        { "audience", "wrong audience" },
        { "realm", "unknown realm" },
        { "garbage", "invalid token" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_refused_token_gets_invalid_token_with_a_short_reason_and_a_generic_body(string kind, string reason)
    {
        await using var api = await TestApi.StartAsync();
        var (token, realm) = kind switch
        {
            "expired" => (api.Token(now: DateTime.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(1)), TestApi.Realm),
            "audience" => (Signed(api, "another-api"), TestApi.Realm),
            "realm" => (api.Token(), "nosuchrealm"),
            _ => ("not-a-jwt", TestApi.Realm),
        };
        var response = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", token, realmHeader: realm));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer error=\"invalid_token\", error_description=\"{reason}\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("""{"error":true,"code":"AUTHENTICATION_FAILURE","message":"The access token is missing, invalid or expired","status":401}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task No_token_gets_a_plain_bearer_challenge()
    {
        await using var api = await TestApi.StartAsync();
        var response = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type"));
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    private static string Signed(TestApi api, string audience)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = RealmAuthentication.IssuerFor(api.Auth, TestApi.Realm),
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            Claims = TestApi.UserClaims(),
            SigningCredentials = new SigningCredentials(DevSigningKey.FromOptions(api.Auth), SecurityAlgorithms.HmacSha256),
        });
    }

    [Fact]
    public async Task The_docs_page_is_off_outside_development_unless_turned_on_and_serves_its_bundled_assets()
    {
        await using (var off = await TestApi.StartAsync())
            Assert.Equal(HttpStatusCode.NotFound, (await off.Client.GetAsync("/api/docs")).StatusCode);

        await using var on = await TestApi.StartAsync(s => s["ApiDocs:Enabled"] = "true");
        var page = await on.Client.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("docs/swagger-ui-bundle.js", html);
        Assert.Contains("\"openapi.json\"", html);
        Assert.DoesNotContain("//", html.Replace("<!DOCTYPE", ""), StringComparison.Ordinal);   // no absolute URL: nothing from a CDN
        var bundle = await on.Client.GetAsync("/api/docs/swagger-ui-bundle.js");
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Contains("SwaggerUIBundle", await bundle.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    public async Task In_development_the_document_answers_cors_to_any_origin(string environment, bool allowed)
    {
        var host = new Mock<Microsoft.Extensions.Hosting.IHostEnvironment>();
        host.SetupGet(h => h.EnvironmentName).Returns(environment);
        var function = new TicketingFunctions.Functions.OpenApiFunction(new TicketingFunctions.OpenApi.OpenApiDescription(),
            // The document is anonymous: the pipeline never reaches the authenticator or the tenant gate.
            new TicketingFunctions.Functions.RequestPipeline(null!, null!,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<TicketingFunctions.Functions.RequestPipeline>.Instance), host.Object);
        foreach (var serve in new Func<Microsoft.AspNetCore.Http.HttpRequest, Task<Microsoft.AspNetCore.Mvc.IActionResult>>[] { function.Yaml, function.Json })
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            context.Request.Headers.Origin = "https://viewer.example";
            await serve(context.Request);
            Assert.Equal(allowed ? "*" : "", context.Response.Headers.AccessControlAllowOrigin.ToString());
        }
    }
}
