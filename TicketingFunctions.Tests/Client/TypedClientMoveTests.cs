using TicketingFunctions.Client;
using TicketingFunctions.Client.Models;
using TicketingFunctions.Client.V2.Ticketing.Ticket.Create.Item.Item;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.OpenApi;

namespace TicketingFunctions.Tests.Client;

/// <summary>
/// Issue 22 through the generated client: the typed move helper (<c>Move.ToAsync</c>), and a tombstone's 308, which
/// the client follows to the successor by itself (Kiota's redirect handler keeps the method, as 308 asks).
/// </summary>
public sealed class TypedClientMoveTests : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    private TicketingClient Client { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Api = await TestApi.StartOnLoopbackAsync(TicketMoveApi.WithMoveCatalog);
        Client = TicketingClientFactory.Create(new Uri(Api.BaseAddress, "/api"), TestApi.Tenant, TestApi.Realm,
            _ => Task.FromResult(Api.AgentToken()),
            transport: new OpenApiConformance.Handler(OpenApiContract.Instance, OpenApiConformance.Recorder) { InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false } });   // as Kiota's own transport: its redirect handler follows
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();

    [Fact]
    public async Task Move_to_another_team_then_to_another_type_and_read_the_old_id_through_the_308()
    {
        var created = await Client.V2.Ticketing.Ticket.Create["james"]["16910"].PostAsync(
            CreateTicketRequests.Create("23629", "New laptop", new Dictionary<string, object> { [Bodies.TitleField] = "Need a laptop" }),
            c => { c.QueryParameters.Type = PostTypeQueryParameterType.Template; c.QueryParameters.Module = "ticketing"; });
        var objectId = created!.ObjectId!;

        var inTeam = await Client.V2.Ticketing.Ticket[objectId].Move.ToAsync("facilities", null, created.Ticket!.Etag!.Value);
        Assert.Equal((objectId, "facilities"), (inTeam.ObjectId, inTeam.LookupProps!.TeamId));
        await Assert.ThrowsAsync<EtagMismatchError>(() => Client.V2.Ticketing.Ticket[objectId].Move.ToAsync("james", null, created.Ticket.Etag!.Value));

        var successor = await Client.V2.Ticketing.Ticket[objectId].Move.ToAsync("james", TicketMoveApi.IncidentType, inTeam.Etag!.Value, "typed-move");
        Assert.Equal($"{TicketMoveApi.IncidentPrefix}-0001", successor.ObjectId);

        // The old display id answers 308; the client follows it and reads the successor.
        var read = await Client.V2.Ticketing.Ticket[objectId].GetAsync();
        Assert.Equal(successor.ObjectId, read!.Ticket!.ObjectId);
        // A retry with the same key answers the same successor.
        Assert.Equal(successor.ObjectId, (await Client.V2.Ticketing.Ticket[objectId].Move.ToAsync("james", TicketMoveApi.IncidentType, inTeam.Etag!.Value, "typed-move")).ObjectId);
    }
}
