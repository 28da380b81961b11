using System.Net;
using System.Text.RegularExpressions;
using TicketingFunctions.Functions;
using TicketingFunctions.Hosting;
using TicketingFunctions.Tests.Cosmos;
using static TicketingFunctions.Tests.Http.AttachmentApi;
using static TicketingFunctions.Tests.Http.TicketMoveApi;

namespace TicketingFunctions.Tests.Http;

public sealed class EveryTicketOperationOnATombstoneOnEmbeddedStore() : EveryTicketOperationOnATombstoneTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class EveryTicketOperationOnATombstoneOnCosmos(CosmosEmulatorFixture emulator) : EveryTicketOperationOnATombstoneTests(new CosmosHosts(emulator));

/// <summary>
/// Issue 22: every operation on an existing ticket (every [HttpTrigger] whose route names a display id, so a new one
/// can't be left out: comments joined by their route) answers a tombstone with the 308 to its newest successor,
/// because they all open the ticket through the one TicketAccessor. Each request is otherwise one the operation would
/// accept (an agent of both teams, the etag before the move in If-Match and in the body).
/// </summary>
public abstract class EveryTicketOperationOnATombstoneTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync(WithMoveCatalog);
    public async Task DisposeAsync() => await Api.DisposeAsync();

    [Fact]
    public async Task Every_operation_on_a_ticket_answers_a_tombstone_with_308_to_its_newest_successor()
    {
        var upload = await Api.UploadIdAsync(token: Api.AgentToken());
        var ticket = await Api.CreateTicketAsync(WithAttachments((upload, null)), Api.AgentToken());
        var first = await TicketOf(await Api.MoveAsync(ticket.ObjectId(), MoveBody("james", IncidentType, ticket.Etag())));
        var newest = await TicketOf(await Api.MoveAsync(first.ObjectId(), MoveBody("james", HardwareRequest, first.Etag())));

        var operations = FunctionEndpoints.Discover(typeof(RequestPipeline).Assembly).Where(f => f.Route.Contains("{objectId", StringComparison.Ordinal)).ToList();
        Assert.Superset(new HashSet<string> { "GetTicket", "UpdateTicket", "DeleteTicket", "GetTicketHistory", "DownloadAttachment", "MoveTicket",
            "AddTicketComment", "ListTicketComments", "EditTicketComment", "RedactTicketComment" },
            operations.Select(o => o.Name).ToHashSet());
        foreach (var operation in operations)
        foreach (var tombstone in new[] { ticket, first })
        {
            var method = new HttpMethod(operation.Methods[0]);
            var path = "/api/" + Regex.Replace(operation.Route, @"\{(\w+)[^}]*\}", m => m.Groups[1].Value switch
            {
                "objectId" => tombstone.ObjectId(),
                "attachmentId" => upload,
                "commentId" => Guid.NewGuid().ToString(),
                var other => throw new InvalidOperationException($"No value for route parameter {other}: add one here"),
            });
            var body = method == HttpMethod.Get || method == HttpMethod.Delete ? null
                : $$"""{"etag":"{{tombstone.Etag()}}","teamId":"facilities","summary":"changed"}""";
            if (operation.Name == "UpdateTicket") body = $$"""{"etag":"{{tombstone.Etag()}}","summary":"changed"}""";
            if (operation.Name == "MoveTicket") body = MoveBody("facilities", etag: tombstone.Etag());
            if (operation.Name is "AddTicketComment" or "EditTicketComment") body = """{"body":"<p>changed</p>"}""";
            // Redacting is the tenant admin's; every other operation is an agent's.
            var token = operation.Name == "RedactTicketComment" ? Api.AgentToken(roles: "tenant_admin") : Api.AgentToken();
            var request = Api.Request(method, path, token, body);
            request.Headers.TryAddWithoutValidation("If-Match", Quote(tombstone.Etag()));

            var response = await Api.Client.SendAsync(request);

            Assert.True((HttpStatusCode)308 == response.StatusCode, $"{operation.Name} on {tombstone.ObjectId()}: {(int)response.StatusCode}");
            await AssertMoved(response, newest.ObjectId());
        }
        // Nothing of the tombstones changed.
        var listed = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/list?includeMoved=true", Api.AgentToken()));
        var versions = (await listed.JsonAsync()).GetProperty("tickets").EnumerateArray().ToDictionary(t => t.ObjectId(), t => t.GetProperty("version").GetInt32());
        Assert.Equal(2, versions[ticket.ObjectId()]);
        Assert.Equal(3, versions[first.ObjectId()]);
    }
}
