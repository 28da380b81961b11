using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Tests.Http;
using static TicketingFunctions.Tests.Http.AttachmentApi;
using static TicketingFunctions.Tests.Http.TicketMoveApi;

namespace TicketingFunctions.Tests.Cosmos;

/// <summary>
/// Issue 22 through the API on Cosmos DB: a move that fails half-way (the successor's write refused, injected in the
/// SDK's HTTP pipeline) answers 503 and leaves no two live tickets; the client's retry with the same Idempotency-Key
/// finishes that same move and answers its successor, which a further retry replays.
/// </summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosMoveApiFaultTests(CosmosEmulatorFixture emulator)
{
    private readonly RecordingHandler _wire = new();

    private Task<TestApi> StartAsync() => TestApi.StartAsync(
        settings =>
        {
            foreach (var (key, value) in emulator.Settings(CosmosEmulatorFixture.NewDatabaseName())) settings[key] = value;
            WithMoveCatalog(settings);
        },
        services => services.AddSingleton(_wire.Interceptor));

    private static bool IsTicketCreate(HttpRequestMessage r) => r.Method == HttpMethod.Post
        && r.RequestUri!.AbsolutePath.EndsWith("/colls/tickets/docs", StringComparison.Ordinal) && !r.Headers.Contains("x-ms-documentdb-isquery");

    private static async Task<string[]> LiveAsync(TestApi api)
    {
        var response = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/list", api.AgentToken()));
        return [.. (await response.JsonAsync()).GetProperty("tickets").EnumerateArray().Select(t => t.ObjectId()).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task A_move_cut_short_after_the_tombstone_is_finished_by_a_retry_with_the_same_key()
    {
        await using var api = await StartAsync();
        var ticket = await api.CreateTicketAsync(Bodies.ContractExample, api.AgentToken());
        var body = MoveBody("facilities", IncidentType, ticket.Etag());
        _wire.Fault = r => IsTicketCreate(r) ? RecordingHandler.ServiceError(HttpStatusCode.ServiceUnavailable, "Injected") : null;

        var failed = await api.MoveAsync(ticket.ObjectId(), body, idempotencyKey: "move-once");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        _wire.Fault = null;
        // Never two live tickets: the old one is a tombstone already, its successor not written yet.
        Assert.Empty(await LiveAsync(api));

        var retried = await api.MoveAsync(ticket.ObjectId(), body, idempotencyKey: "move-once");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var successor = await TicketOf(retried);
        Assert.Equal($"{IncidentPrefix}-0001", successor.ObjectId());
        Assert.Equal("facilities", successor.GetProperty("lookup_props").GetProperty("teamId").GetString());
        Assert.Equal([successor.ObjectId()], await LiveAsync(api));
        await AssertMoved(await api.GetTicketAsync(ticket.ObjectId(), api.AgentToken()), successor.ObjectId());

        var replayed = await api.MoveAsync(ticket.ObjectId(), body, idempotencyKey: "move-once");
        Assert.Equal(successor.ObjectId(), (await TicketOf(replayed)).ObjectId());
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        // Without the key, the same request is a move of a tombstone: 308.
        await AssertMoved(await api.MoveAsync(ticket.ObjectId(), body), successor.ObjectId());
    }
}
