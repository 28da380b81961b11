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
