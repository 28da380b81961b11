using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using TicketingFunctions.Tests.Cosmos;

namespace TicketingFunctions.Tests.Http;

public sealed class IdempotencyOnEmbeddedStore() : IdempotencyHttpTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class IdempotencyOnCosmos(CosmosEmulatorFixture emulator) : IdempotencyHttpTests(new CosmosHosts(emulator));

/// <summary>Idempotency-Key on create: replay, reuse with another body, races, scope and expiry.</summary>
public abstract class IdempotencyHttpTests(IApiHosts hosts)
{
    private static HttpRequestMessage Create(TestApi api, string key, string body = Bodies.ContractExample, string? token = null)
    {
        var request = api.Request(HttpMethod.Post, TestApi.CreatePath, token ?? api.Token(), body);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return request;
    }

    [Fact]
    public async Task The_same_key_and_body_replays_the_first_response_without_a_second_ticket()
    {
        await using var api = await hosts.StartAsync();
        var first = await api.Client.SendAsync(Create(api, "key-1"));
        var replay = await api.Client.SendAsync(Create(api, "key-1"));
        var next = await api.CreateAsync(Bodies.ContractExample);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        var firstJson = await first.JsonAsync();
        var replayJson = await replay.JsonAsync();
        Assert.Equal("CTC-0001", replayJson.GetProperty("objectId").GetString());
        Assert.Equal(firstJson.GetProperty("ticket").GetRawText(), replayJson.GetProperty("ticket").GetRawText());
        Assert.Equal(first.Headers.ETag, replay.Headers.ETag);
        // No display number was used up by the replay.
        Assert.Equal("CTC-0002", (await next.JsonAsync()).GetProperty("objectId").GetString());
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_refused_with_422()
    {
        await using var api = await hosts.StartAsync();
        await api.Client.SendAsync(Create(api, "key-2"));

        var reused = await api.Client.SendAsync(Create(api, "key-2", Bodies.Example(b => b["summary"] = "something else")));

        Assert.Equal((HttpStatusCode)422, reused.StatusCode);
        var json = await reused.JsonAsync();
        Assert.True(json.GetProperty("error").GetBoolean());
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", json.GetProperty("code").GetString());
        Assert.Equal(422, json.GetProperty("status").GetInt32());
        Assert.Equal("This Idempotency-Key was already used with a different request", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_make_exactly_one_ticket()
    {
        await using var api = await hosts.StartAsync();
        var token = api.Token();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => api.Client.SendAsync(Create(api, "race", token: token)))));

        var created = new HashSet<string>();
        foreach (var response in responses)
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                created.Add((await response.JsonAsync()).GetProperty("objectId").GetString()!);
                continue;
            }
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("IDEMPOTENCY_IN_PROGRESS", (await response.JsonAsync()).GetProperty("code").GetString());
            Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        }
        Assert.Equal(["CTC-0001"], created);
        Assert.Equal("CTC-0002", (await (await api.CreateAsync(Bodies.ContractExample)).JsonAsync()).GetProperty("objectId").GetString());
    }

    [Fact]
    public async Task Keys_belong_to_one_user_and_an_invalid_body_does_not_use_up_the_key()
    {
        await using var api = await hosts.StartAsync();
        var invalid = await api.Client.SendAsync(Create(api, "key-3", Bodies.Example(b => b.Remove("source"))));
        var jane = await api.Client.SendAsync(Create(api, "key-3"));
        var john = await api.Client.SendAsync(Create(api, "key-3", token: api.Token(username: "john", email: "john@example.com")));

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("CTC-0001", (await jane.JsonAsync()).GetProperty("objectId").GetString());
        Assert.Equal("CTC-0002", (await john.JsonAsync()).GetProperty("objectId").GetString());
        Assert.False(john.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Keys_belong_to_the_token_subject_not_to_a_shared_username_or_email()
    {
        await using var api = await hosts.StartAsync();
        var responses = new List<HttpResponseMessage>();
        foreach (var subject in new[] { "sub-a", "sub-b", "sub-c" })
            responses.Add(await api.Client.SendAsync(Create(api, "shared", token: api.Token(username: "same", email: "same@example.com", subject: subject))));
        responses.Add(await api.Client.SendAsync(Create(api, "shared", token: api.Token(username: "", email: null, subject: "sub-d"))));

        Assert.Equal(["CTC-0001", "CTC-0002", "CTC-0003", "CTC-0004"],
            await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).GetProperty("objectId").GetString()!)));
        Assert.All(responses, r => Assert.False(r.Headers.Contains("Idempotent-Replayed")));
    }

    [Fact]
    public async Task A_renamed_user_keeps_the_replay_and_a_token_without_subject_cannot_use_a_key()
    {
        await using var api = await hosts.StartAsync();
        var first = await api.Client.SendAsync(Create(api, "rename", token: api.Token(username: "old.name", email: "old@example.com", subject: "stable")));
        var renamed = await api.Client.SendAsync(Create(api, "rename", token: api.Token(username: "new.name", email: "new@example.com", subject: "stable")));
        var claims = TestApi.UserClaims();
        claims.Remove("sub");
        var anonymous = await api.Client.SendAsync(Create(api, "rename", token: api.TokenWithClaims(claims)));
        var anonymousWithoutKey = await api.CreateAsync(Bodies.ContractExample, api.TokenWithClaims(claims));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("true", renamed.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.BadRequest, anonymous.StatusCode);
        Assert.Equal(["Header Idempotency-Key needs a token with a subject (sub): keys belong to the caller's identity"],
            (await anonymous.JsonAsync()).Reasons("Idempotency-Key"));
        Assert.Equal("CTC-0002", (await anonymousWithoutKey.JsonAsync()).GetProperty("objectId").GetString());
    }

    [Fact]
    public async Task The_same_body_formatted_differently_and_the_query_reordered_is_the_same_request()
    {
        await using var api = await hosts.StartAsync();
        var compact = System.Text.Json.Nodes.JsonNode.Parse(Bodies.ContractExample)!.ToJsonString();
        var first = await api.Client.SendAsync(Create(api, "format", compact));
        var pretty = await api.Client.SendAsync(Create(api, "format", Bodies.ContractExample));
        var reordered = api.Request(HttpMethod.Post, "/api/v2/ticketing/ticket/create/james/16910?module=ticketing&type=template", api.Token(), compact.Replace("api", "\u0061pi"));
        reordered.Headers.TryAddWithoutValidation("Idempotency-Key", "format");
        var escapedAndReordered = await api.Client.SendAsync(reordered);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("true", pretty.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("true", escapedAndReordered.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task A_replay_answers_the_first_response_etag_even_after_the_ticket_changed()
    {
        await using var api = await hosts.StartAsync();
        var first = await api.Client.SendAsync(Create(api, "stale"));
        var ticket = (await first.JsonAsync()).GetProperty("ticket");
        var updated = await api.PatchAsync("CTC-0001", TicketLifecycleApi.Patch(ticket.GetProperty("etag").GetString(), "\"summary\":\"changed\""));
        var replay = await api.Client.SendAsync(Create(api, "stale"));

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(first.Headers.ETag, replay.Headers.ETag);
        Assert.NotEqual(updated.Headers.ETag, replay.Headers.ETag);
        Assert.Equal("Hardware request - new laptop", (await replay.JsonAsync()).GetProperty("ticket").GetProperty("summary").GetString());
    }

    [Fact]
    public async Task A_malformed_key_is_a_400_by_header_name()
    {
        await using var api = await hosts.StartAsync();
        var response = await api.Client.SendAsync(Create(api, new string('k', 256)));
        Assert.Equal(["Header Idempotency-Key must be 1 to 255 visible ASCII characters"], (await response.JsonAsync()).Reasons("Idempotency-Key"));
    }

    [Fact]
    public async Task After_24_hours_the_key_starts_afresh()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var api = await hosts.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(time)));
        await api.Client.SendAsync(Create(api, "key-4"));

        time.Advance(TimeSpan.FromHours(23));
        var within = await api.Client.SendAsync(Create(api, "key-4", Bodies.Example(b => b["summary"] = "changed")));
        time.Advance(TimeSpan.FromHours(2));
        var after = await api.Client.SendAsync(Create(api, "key-4", Bodies.Example(b => b["summary"] = "changed")));

        Assert.Equal((HttpStatusCode)422, within.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("CTC-0002", (await after.JsonAsync()).GetProperty("objectId").GetString());
    }
}
