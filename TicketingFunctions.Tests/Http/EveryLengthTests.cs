using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tests.OpenApi;
using static TicketingFunctions.Tests.Http.AttachmentApi;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;
using static TicketingFunctions.Tests.Http.CommentApi;

namespace TicketingFunctions.Tests.Http;

public sealed class EveryLengthOnEmbeddedStore() : EveryLengthTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class EveryLengthOnCosmos(CosmosEmulatorFixture emulator) : EveryLengthTests(new CosmosHosts(emulator));

/// <summary>
/// Issue 21, "every length, one counter": every length limit counts code points (Tickets/TextLength), so a field
/// of N 4-byte characters (U+1F600, two UTF-16 units each) at its limit N is accepted and N + 1 refused, with a
/// reason keyed by the field. The limited fields are every <c>maxLength</c> of a request parameter or request body
/// in openapi.yaml, plus the limits the document can't state (a catalog field's <c>maxLength</c>, the body reader's
/// longest string, the decoded <c>x-filename</c>): a new <c>maxLength</c> in the document fails
/// <see cref="Every_maxLength_of_a_request_in_the_document_has_a_probe"/> until it has a probe here.
/// </summary>
public abstract class EveryLengthTests(IApiHosts hosts) : IAsyncLifetime
{
    private const string Emoji = "\U0001F600";
    private TestApi Api { get; set; } = null!;

    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private static string Emojis(int count) => string.Concat(Enumerable.Repeat(Emoji, count));

    /// <summary>One limited field: its limit, the key its refusal is under, and a request sending <c>value</c> in it.</summary>
    private sealed record Probe(int Max, string Key, Func<EveryLengthTests, string, Task<HttpResponseMessage>> Send, int Min = 1);

    /// <summary>
    /// Request places the document gives a <c>maxLength</c> that 4-byte characters can't reach: their <c>pattern</c>
    /// admits ASCII only, so code points and UTF-16 units are the same count.
    /// </summary>
    private static readonly Dictionary<string, string> AsciiOnly = new()
    {
        ["createTicket?module"] = "pattern ^[A-Za-z0-9_-]{1,64}$",
        ["listTickets?continuationToken"] = "pattern ^[A-Za-z0-9_-]+$",
        ["readEventFeed?after"] = "pattern ^[A-Za-z0-9_-]+$",
        ["WebhookRequest.url"] = "pattern ^[!-~]+$",
        ["WebhookChangeRequest.url"] = "pattern ^[!-~]+$",
    };

    private static readonly Dictionary<string, Probe> Probes = new()
    {
        ["listTickets?teamId"] = List("teamId", 256),
        ["listTickets?itemTypeId"] = List("itemTypeId", 256),
        ["listTickets?status_type"] = List("status_type", 256),
        ["listTickets?assignee"] = List("assignee", 256),
        ["listTickets?submittedBy"] = List("submittedBy", 256),
        ["listTickets?relatedTo"] = List("relatedTo", 256),
        ["listTickets?q"] = List("q", 100) with { Min = 2 },
        ["readEventFeed?teamId"] = new(256, "teamId", (t, v) =>
            t.Api.Client.SendAsync(t.Api.Request(HttpMethod.Get, $"/api/v2/ticketing/events?teamId={Uri.EscapeDataString(v)}", t.Api.Token(roles: "tenant_admin")))),
        ["CreateTicketRequest.summary"] = new(255, "summary", (t, v) => t.Api.CreateAsync(Bodies.Example(b => b["summary"] = v))),
        ["UpdateTicketRequest.summary"] = new(255, "summary", async (t, v) =>
        {
            var ticket = await t.Api.CreateTicketAsync();
            return await t.Api.PatchAsync(ticket.ObjectId(), Patch(ticket.Etag(), $"\"summary\":{JsonSerializer.Serialize(v)}"));
        }),
        ["AttachmentLink.description"] = new(1000, "attachments", async (t, v) =>
            await t.Api.CreateAsync(WithAttachments((await t.Api.UploadIdAsync(), v)))),
        ["TicketRelationRequest.objectId"] = new(64, "ticketRelation", (t, v) => t.Api.CreateAsync(WithRelation(v))),
        ["AddCommentRequest.body"] = new(10_000, "body", async (t, v) =>
            await t.Api.CommentAsync((await t.Api.CreateTicketAsync()).ObjectId(), CommentApi.CommentBody(v))),
        ["EditCommentRequest.body"] = new(10_000, "body", async (t, v) =>
        {
            var objectId = (await t.Api.CreateTicketAsync()).ObjectId();
            var comment = (await (await t.Api.CommentAsync(objectId, CommentApi.CommentBody("x"))).JsonAsync()).GetProperty("comment");
            return await t.Api.EditCommentAsync(objectId, comment.GetProperty("id").GetString()!, CommentApi.CommentBody(v), $"\"{comment.GetProperty("etag").GetString()}\"");
        }),
        ["WebhookRequest.description"] = new(500, "description", (t, v) => t.CreateWebhookAsync($"\"description\":{JsonSerializer.Serialize(v)}")),
        ["WebhookRequest.teamIds"] = new(256, "teamIds", (t, v) => t.CreateWebhookAsync($"\"teamIds\":[{JsonSerializer.Serialize(v)}]")),
        ["WebhookChangeRequest.description"] = new(500, "description", async (t, v) =>
            await t.ChangeWebhookAsync(await t.WebhookIdAsync(), $"{{\"description\":{JsonSerializer.Serialize(v)}}}")),
        ["WebhookChangeRequest.teamIds"] = new(256, "teamIds", async (t, v) =>
            await t.ChangeWebhookAsync(await t.WebhookIdAsync(), $"{{\"teamIds\":[{JsonSerializer.Serialize(v)}]}}")),
        ["listWebhookAttempts?eventId"] = new(256, "eventId", async (t, v) =>
            await t.Api.Client.SendAsync(t.Api.Request(HttpMethod.Get, $"/api/v2/ticketing/webhooks/{await t.WebhookIdAsync()}/attempts?eventId={Uri.EscapeDataString(v)}", t.Admin))),
        ["listWebhookAttempts?after"] = new(64, "after", async (t, v) =>
            await t.Api.Client.SendAsync(t.Api.Request(HttpMethod.Get, $"/api/v2/ticketing/webhooks/{await t.WebhookIdAsync()}/attempts?after={Uri.EscapeDataString(v)}", t.Admin))),
        ["WebhookRedeliverRequest.eventId"] = new(512, "eventId", async (t, v) =>
            await t.ChangeWebhookAsync(await t.WebhookIdAsync(), $"{{\"eventId\":{JsonSerializer.Serialize(v)}}}", "/redeliver", HttpMethod.Post)),
        ["WebhookRedeliverRequest.after"] = new(512, "after", async (t, v) =>
            await t.ChangeWebhookAsync(await t.WebhookIdAsync(), $"{{\"after\":{JsonSerializer.Serialize(v)}}}", "/redeliver", HttpMethod.Post)),
        ["Assignee.username"] = new(255, "assignee", async (t, v) =>
        {
            var ticket = await t.Api.CreateTicketAsync();
            return await t.Api.PatchAsync(ticket.ObjectId(), Patch(ticket.Etag(), $"\"assignee\":{{\"username\":{JsonSerializer.Serialize(v)}}}"),
                t.Api.Token(roles: "ticket_agent"));
        }),
    };

    /// <summary>Limits the document can't state as a <c>maxLength</c> of a request.</summary>
    private static readonly Dictionary<string, Probe> BeyondTheDocument = new()
    {
        // The sample catalog's Hardware Request "Title" field: maxLength 200.
        ["catalog field maxLength (Title)"] = new(200, Bodies.TitleField, (t, v) => t.Api.CreateAsync(Bodies.Example(b => b.TicketBody()[Bodies.TitleField] = v))),
        // Limits__MaxStringLength: the body reader's longest string anywhere in a body (source has no limit of its own).
        ["Limits:MaxStringLength"] = new(32 * 1024, "body", (t, v) => t.Api.CreateAsync(Bodies.Example(b => b["source"] = v))),
        // The upload's file name, after percent-decoding (the header itself is percent-encoded ASCII).
        ["x-filename (decoded)"] = new(255, "x-filename", (t, v) => t.Api.UploadAsync("x"u8.ToArray(), v)),
    };

    private string Admin => Api.Token(roles: "tenant_admin");

    /// <summary>A webhook subscription to a public address literal (no DNS) with <paramref name="members"/>.</summary>
    private Task<HttpResponseMessage> CreateWebhookAsync(string members) =>
        Api.Client.SendAsync(Api.Request(HttpMethod.Post, "/api/v2/ticketing/webhooks", Admin, $$"""{"url":"https://203.0.113.10/hooks",{{members}}}"""));

    private async Task<string> WebhookIdAsync()
    {
        var created = await CreateWebhookAsync("\"includeData\":false");
        return (await created.JsonAsync()).GetProperty("webhook").GetProperty("id").GetString()!;
    }

    private Task<HttpResponseMessage> ChangeWebhookAsync(string id, string body, string suffix = "", HttpMethod? method = null) =>
        Api.Client.SendAsync(Api.Request(method ?? HttpMethod.Patch, $"/api/v2/ticketing/webhooks/{id}{suffix}", Admin, body));

    private static Probe List(string parameter, int max) => new(max, parameter, (t, v) =>
        t.Api.Client.SendAsync(t.Api.Request(HttpMethod.Get, $"/api/v2/ticketing/ticket/list?{parameter}={Uri.EscapeDataString(v)}",
            t.Api.Token(roles: "tenant_admin"))));

    /// <summary>Every request parameter and request-body property with a maxLength, as "operationId?name" or "Schema.property".</summary>
    private static SortedSet<string> LimitedPlaces()
    {
        var contract = OpenApiContract.Instance;
        var places = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var schemas = contract.Document["components"]!["schemas"]!.AsObject();

        void Walk(JsonNode? node, string place)
        {
            if (node is JsonArray array)
            {
                foreach (var item in array) Walk(item, place);
                return;
            }
            if (node is not JsonObject schema) return;
            if (schema["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
            {
                var name = reference["#/components/schemas/".Length..];
                if (seen.Add(name)) Walk(schemas[name], name);
                return;
            }
            if (schema["maxLength"] is not null) places.Add(place);
            foreach (var (key, value) in schema)
            {
                if (key == "properties" && value is JsonObject properties)
                    foreach (var (property, propertySchema) in properties) Walk(propertySchema, $"{place}.{property}");
                else if (key is "items" or "anyOf" or "oneOf" or "allOf" or "additionalProperties" or "prefixItems") Walk(value, place);
            }
        }

        foreach (var (_, _, operationId, operation) in contract.Operations)
        {
            foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
            {
                var resolved = parameter!["$ref"] is { } r
                    ? contract.Document["components"]!["parameters"]![r.GetValue<string>().Split('/')[^1]]!
                    : parameter;
                if (resolved["schema"] is JsonObject parameterSchema && (parameterSchema["maxLength"] is not null || parameterSchema["items"]?["maxLength"] is not null))
                    places.Add($"{operationId}?{resolved["name"]!.GetValue<string>()}");
            }
            foreach (var (_, media) in operation["requestBody"]?["content"]?.AsObject() ?? [])
                Walk(media!["schema"], operationId);
        }
        return places;
    }

    [Fact]
    public void Every_maxLength_of_a_request_in_the_document_has_a_probe()
    {
        var places = LimitedPlaces();
        Assert.Equal(Probes.Keys.Concat(AsciiOnly.Keys).Order(StringComparer.Ordinal), places);
    }

    public static TheoryData<string> Places() => [.. Probes.Keys.Concat(BeyondTheDocument.Keys)];

    [Theory]
    [MemberData(nameof(Places))]
    public async Task Four_byte_characters_at_the_limit_are_accepted_and_one_more_is_refused_for_that_field(string place)
    {
        var probe = Probes.TryGetValue(place, out var p) ? p : BeyondTheDocument[place];
        var limitText = $"{probe.Max} characters";

        var atLimit = await probe.Send(this, Emojis(probe.Max));
        if (atLimit.StatusCode == HttpStatusCode.BadRequest)
            Assert.DoesNotContain((await atLimit.JsonAsync()).Reasons(probe.Key), r => r.Contains(limitText, StringComparison.Ordinal));
        else
            Assert.True((int)atLimit.StatusCode is >= 200 and < 300, $"{place} at its limit answered {(int)atLimit.StatusCode}");

        var over = await probe.Send(this, Emojis(probe.Max + 1));
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        var reasons = (await over.JsonAsync()).Reasons(probe.Key);
        Assert.Contains(reasons, r => r.Contains(limitText, StringComparison.Ordinal));

        if (probe.Min > 1)
        {
            var under = await probe.Send(this, Emojis(probe.Min - 1));
            Assert.Equal(HttpStatusCode.BadRequest, under.StatusCode);
            var atMin = await probe.Send(this, Emojis(probe.Min));
            Assert.True((int)atMin.StatusCode is >= 200 and < 300, $"{place} at its minimum answered {(int)atMin.StatusCode}");
        }
    }
}
