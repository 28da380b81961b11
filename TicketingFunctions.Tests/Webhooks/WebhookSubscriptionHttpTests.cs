using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using TicketingFunctions.Services;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Webhooks;

public sealed class WebhookSubscriptionHttpOnEmbeddedStore() : WebhookSubscriptionHttpTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class WebhookSubscriptionHttpOnCosmos(CosmosEmulatorFixture emulator) : WebhookSubscriptionHttpTests(new CosmosHosts(emulator));

/// <summary>The subscriptions' operations over the standalone host: bodies, who may use them, validation, the secret shown once, rotation.</summary>
public abstract class WebhookSubscriptionHttpTests(IApiHosts hosts) : IAsyncLifetime
{
    public const string WebhooksPath = "/api/v2/ticketing/webhooks";

    /// <summary>A resolver standing in for DNS: public names, a private one, a mixed one, and one that does not resolve.</summary>
    public static IWebhookHostResolver Resolver()
    {
        var resolver = new Mock<IWebhookHostResolver>();
        resolver.Setup(r => r.ResolveAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string host, CancellationToken _) => Task.FromResult(host switch
            {
                "hooks.example.com" or "crm.example.com" => new[] { IPAddress.Parse("203.0.113.10") },
                "intranet.example.com" => [IPAddress.Parse("10.0.0.5")],
                "mixed.example.com" => [IPAddress.Parse("203.0.113.11"), IPAddress.Parse("169.254.169.254")],
                "nowhere.example.com" => [],
                _ when IPAddress.TryParse(host.Trim('[', ']'), out var literal) => [literal],
                "localhost" => [IPAddress.Loopback],
                _ => throw new System.Net.Sockets.SocketException(11001),
            }));
        return resolver.Object;
    }

    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync(
        settings => { settings["Events:MaintenanceIntervalSeconds"] = "0"; settings["Webhooks:PollIntervalMilliseconds"] = "0"; },
        services => services.AddSingleton(Resolver()));
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private string Admin => Api.Token(roles: "tenant_admin");

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, string? token = null) =>
        Api.Client.SendAsync(Api.Request(method, path, token ?? Admin, body));

    private async Task<JsonElement> CreateAsync(string body = """{"url":"https://hooks.example.com/in","eventTypes":["ticket.created"],"teamIds":["james"]}""")
    {
        var response = await SendAsync(HttpMethod.Post, WebhooksPath, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    private static string IdOf(JsonElement answer) => answer.GetProperty("webhook").GetProperty("id").GetString()!;

    [Fact]
    public async Task Create_answers_201_with_the_subscription_and_its_secret_shown_once()
    {
        var response = await SendAsync(HttpMethod.Post, WebhooksPath,
            """{"url":"https://hooks.example.com/in","eventTypes":["ticket.created","ticket.created"],"teamIds":["james"],"description":"CRM","includeData":true}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        var webhook = body.GetProperty("webhook");
        var id = webhook.GetProperty("id").GetString()!;
        Assert.Equal($"{WebhooksPath}/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal((true, 201, "https://hooks.example.com/in", "CRM", true, "active", 1),
            (body.GetProperty("success").GetBoolean(), body.GetProperty("status").GetInt32(), webhook.GetProperty("url").GetString(),
             webhook.GetProperty("description").GetString(), webhook.GetProperty("includeData").GetBoolean(), webhook.GetProperty("status").GetString(),
             webhook.GetProperty("secretsLive").GetInt32()));
        Assert.Equal(["ticket.created"], webhook.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));
        var secret = body.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.True(Convert.FromBase64String(secret["whsec_".Length..]).Length >= 24);

        // Never again: not in a read, nor in the list.
        var read = await SendAsync(HttpMethod.Get, $"{WebhooksPath}/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var readBody = await read.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret\"", readBody);
        Assert.DoesNotContain(secret, readBody);
        var list = await (await SendAsync(HttpMethod.Get, WebhooksPath)).JsonAsync();
        Assert.Equal([id], list.GetProperty("webhooks").EnumerateArray().Select(w => w.GetProperty("id").GetString()));
        Assert.DoesNotContain(secret, list.GetRawText());
    }

    [Fact]
    public async Task Update_changes_only_the_members_sent()
    {
        var id = IdOf(await CreateAsync("""{"url":"https://hooks.example.com/in","eventTypes":["ticket.created"],"teamIds":["james"],"description":"CRM"}"""));

        var response = await SendAsync(HttpMethod.Patch, $"{WebhooksPath}/{id}", """{"url":"https://crm.example.com/hooks","eventTypes":[],"description":null}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var webhook = (await response.JsonAsync()).GetProperty("webhook");
        Assert.Equal(("https://crm.example.com/hooks", JsonValueKind.Null, 0, "james", false),
            (webhook.GetProperty("url").GetString(), webhook.GetProperty("description").ValueKind, webhook.GetProperty("eventTypes").GetArrayLength(),
             webhook.GetProperty("teamIds")[0].GetString(), webhook.GetProperty("includeData").GetBoolean()));
    }

    [Fact]
    public async Task Pause_resume_and_delete()
    {
        var id = IdOf(await CreateAsync());

        var paused = await (await SendAsync(HttpMethod.Post, $"{WebhooksPath}/{id}/pause")).JsonAsync();
        Assert.Equal("paused", paused.GetProperty("webhook").GetProperty("status").GetString());
        var resumed = await (await SendAsync(HttpMethod.Post, $"{WebhooksPath}/{id}/resume")).JsonAsync();
        Assert.Equal("active", resumed.GetProperty("webhook").GetProperty("status").GetString());

        var deleted = await SendAsync(HttpMethod.Delete, $"{WebhooksPath}/{id}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(id, IdOf(await deleted.JsonAsync()));
        foreach (var (method, path) in new[] { (HttpMethod.Get, ""), (HttpMethod.Delete, ""), (HttpMethod.Post, "/pause"), (HttpMethod.Post, "/rotate-secret") })
        {
            var again = await SendAsync(method, $"{WebhooksPath}/{id}{path}");
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
            var error = await again.JsonAsync();
            Assert.Equal(("WEBHOOK_NOT_FOUND", "Webhook subscription not found"), (error.GetProperty("code").GetString(), error.GetProperty("message").GetString()));
        }
        Assert.Equal(0, (await (await SendAsync(HttpMethod.Get, WebhooksPath)).JsonAsync()).GetProperty("webhooks").GetArrayLength());
    }

    [Fact]
    public async Task Rotation_shows_a_new_secret_once_and_keeps_the_old_one_live_for_the_overlap()
    {
        var created = await CreateAsync();
        var id = IdOf(created);

        var response = await SendAsync(HttpMethod.Post, $"{WebhooksPath}/{id}/rotate-secret");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rotated = await response.JsonAsync();
        var secret = rotated.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.NotEqual(created.GetProperty("secret").GetString(), secret);
        Assert.Equal(2, rotated.GetProperty("webhook").GetProperty("secretsLive").GetInt32());
    }

    [Fact]
    public async Task Only_a_tenant_admin_manages_subscriptions_and_another_tenant_s_are_not_found()
    {
        var id = IdOf(await CreateAsync());

        foreach (var (method, path) in new[] { (HttpMethod.Get, WebhooksPath), (HttpMethod.Get, $"{WebhooksPath}/{id}"), (HttpMethod.Post, $"{WebhooksPath}/{id}/pause") })
        {
            var refused = await SendAsync(method, path, token: Api.Token(roles: "ticket_agent"));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("Only a tenant admin may manage webhook subscriptions", (await refused.JsonAsync()).GetProperty("message").GetString());
        }
        var created = await SendAsync(HttpMethod.Post, WebhooksPath, """{"url":"https://hooks.example.com/in"}""", Api.Token(roles: "ticket_agent"));
        Assert.Equal(HttpStatusCode.Forbidden, created.StatusCode);
        var readOnly = await SendAsync(HttpMethod.Get, WebhooksPath, token: Api.Token(roles: "tenant_admin", scope: "tickets:read"));
        Assert.Equal(HttpStatusCode.Unauthorized, readOnly.StatusCode);
        Assert.Equal("You do not have the required permissions to manage webhook subscriptions", (await readOnly.JsonAsync()).GetProperty("message").GetString());

        // The same id from another tenant's admin: not found (the partition is the token's tenant).
        var other = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, $"{WebhooksPath}/{id}", Api.Token(tenant: TestApi.OtherTenant, roles: "tenant_admin"),
            tenantHeader: TestApi.OtherTenant));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Theory]
    [InlineData("""{"eventTypes":[]}""", "url", "url is required")]
    [InlineData("""{"url":"http://hooks.example.com/in"}""", "url", "url must be an https URL")]
    [InlineData("""{"url":"ftp://hooks.example.com/in"}""", "url", "url must be an absolute https URL")]
    [InlineData("""{"url":"/relative"}""", "url", "url must be an absolute https URL")]
    [InlineData("""{"url":"https://hooks.example.com/café"}""", "url", "url must be printable ASCII (percent-encode other characters)")]
    [InlineData("""{"url":"https://user:pw@hooks.example.com/in"}""", "url", "url must have no user name, password or fragment")]
    [InlineData("""{"url":"https://intranet.example.com/in"}""", "url", "url is refused: host intranet.example.com resolves to a private address (10.0.0.5), which webhooks may not reach")]
    [InlineData("""{"url":"https://mixed.example.com/in"}""", "url", "url is refused: host mixed.example.com resolves to a link-local address (cloud metadata among them) (169.254.169.254), which webhooks may not reach")]
    [InlineData("""{"url":"https://169.254.169.254/latest/meta-data"}""", "url", "url is refused: host 169.254.169.254 resolves to a link-local address (cloud metadata among them) (169.254.169.254), which webhooks may not reach")]
    [InlineData("""{"url":"https://[::1]:8443/in"}""", "url", "url is refused: host ::1 resolves to a loopback address (::1), which webhooks may not reach")]
    [InlineData("""{"url":"https://nowhere.example.com/in"}""", "url", "url is refused: host nowhere.example.com does not resolve")]
    [InlineData("""{"url":"https://hooks.example.com/in","eventTypes":["ticket.exploded"]}""", "eventTypes", "ticket.exploded is not an event type; the types are ticket.created, ticket.updated, ticket.status_changed, ticket.assigned, ticket.deleted, ticket.attachment_linked, ticket.relation_changed, ticket.sla_breached, ticket.moved, comment.created, webhook.disabled")]
    [InlineData("""{"url":"https://hooks.example.com/in","teamIds":[""]}""", "teamIds", "teamIds must hold non-empty strings of at most 256 characters")]
    [InlineData("""{"url":"https://hooks.example.com/in","includeData":"yes"}""", "includeData", "includeData must be true or false")]
    [InlineData("""{"url":"https://hooks.example.com/in","secret":"whsec_mine"}""", "secret", "secret is not a member of a webhook subscription")]
    [InlineData("""[]""", "body", "The body must be a JSON object")]
    public async Task A_wrong_body_is_refused_with_400_keyed_by_the_member(string body, string key, string reason)
    {
        var response = await SendAsync(HttpMethod.Post, WebhooksPath, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.JsonAsync();
        Assert.Equal(("INPUT_VALIDATION_FAILURE", "The webhook subscription is invalid"), (error.GetProperty("code").GetString(), error.GetProperty("message").GetString()));
        Assert.Equal([reason], error.Reasons(key));
        Assert.Equal(0, (await (await SendAsync(HttpMethod.Get, WebhooksPath)).JsonAsync()).GetProperty("webhooks").GetArrayLength());
    }

    [Fact]
    public async Task An_update_checks_the_url_as_create_does()
    {
        var id = IdOf(await CreateAsync());

        var response = await SendAsync(HttpMethod.Patch, $"{WebhooksPath}/{id}", """{"url":"https://intranet.example.com/in"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["url is refused: host intranet.example.com resolves to a private address (10.0.0.5), which webhooks may not reach"],
            (await response.JsonAsync()).Reasons("url"));
        var read = await (await SendAsync(HttpMethod.Get, $"{WebhooksPath}/{id}")).JsonAsync();
        Assert.Equal("https://hooks.example.com/in", read.GetProperty("webhook").GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_tenant_has_at_most_the_configured_number_of_subscriptions()
    {
        for (var i = 0; i < 20; i++) await CreateAsync();

        var response = await SendAsync(HttpMethod.Post, WebhooksPath, """{"url":"https://hooks.example.com/in"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["The tenant has 20 webhook subscriptions, the most it may have; delete one first"], (await response.JsonAsync()).Reasons("url"));
    }
}
