using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TicketingFunctions.Services;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Functions;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Tickets;

/// <summary>Issue 22: the move's rules and its store traffic, with the store substituted (strict: any call not set up fails).</summary>
public sealed class MoveTicketServiceTests
{
    private const string Title = "ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53";
    private readonly Mock<ITicketStore> _store = new(MockBehavior.Strict);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 7, 11, 8, 0, 0, 123, TimeSpan.Zero));
    private readonly MoveTicketService _service;
    private readonly CatalogIndex _catalog;

    public MoveTicketServiceTests()
    {
        var file = CatalogFileReader.ReadAsync(TicketMoveApi.CatalogPath, default).GetAwaiter().GetResult();
        _store.Setup(s => s.GetCatalogAsync(TestApi.Tenant, It.IsAny<CancellationToken>())).ReturnsAsync(file.Tenants[0]);
        _catalog = new CatalogProvider(_store.Object, Options.Create(new CatalogOptions()), _time).GetAsync(TestApi.Tenant, default).GetAwaiter().GetResult()!;
        _service = new MoveTicketService(new TicketAccessor(_store.Object), new JsonBodyReader(Options.Create(new RequestLimits())), _store.Object,
            new Mock<ICommentStore>(MockBehavior.Strict).Object, new RevisionSaver(_store.Object, Options.Create(new TicketHistoryOptions()), NullLogger<RevisionSaver>.Instance), _time,
            NullLogger<MoveTicketService>.Instance);
    }

    private static readonly Caller Agent = new(TestApi.Tenant, "demo", "agent.smith", "smith@example.com", "Agent", "Smith",
        new HashSet<string> { "ticket_agent" }, new HashSet<string> { "tickets:read", "tickets:write" }, new HashSet<string> { "james", "facilities" },
        Issuer: "https://idp.example/realms/demo", Subject: "agent-smith-id");

    private static Ticket Stored() => TicketStoreContract.NewTicket(TestApi.Tenant, "CTC-0007") with
    {
        LookupProps = new LookupProps("james", "16910"),
        Data = new JsonObject { ["offerId"] = "23629", [Title] = "Need a laptop", ["submittedBy"] = "user@example.com", ["ccWatchers"] = new JsonArray("a@example.com") },
        History = [TicketStoreContract.Entry(1, TicketHistory.Created, ("summary", null, "\"x\""))],
    };

    private Task<Outcome<MovedTicket>> Move(string body, string? key = null) =>
        _service.MoveAsync(new CheckedCaller(Agent, _catalog, new RequestHeaders(TestApi.Tenant, "demo", null)),
            new MoveTicketRequest("CTC-0007", HttpResults.ParseIfMatch(null), new MemoryStream(Encoding.UTF8.GetBytes(body)), ContentType: "application/json",
                IdempotencyKey: key), default);

    [Fact]
    public async Task A_move_to_another_type_takes_the_new_types_number_and_writes_tombstone_and_successor_in_one_store_call()
    {
        var current = Stored();
        _store.Setup(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0007", It.IsAny<CancellationToken>())).ReturnsAsync(current);
        _store.Setup(s => s.NextDisplayNumberAsync(TestApi.Tenant, TicketMoveApi.IncidentPrefix, It.IsAny<CancellationToken>())).ReturnsAsync(new DisplayNumber(9, 4));
        (Ticket Tombstone, Ticket Successor)? written = null;
        _store.Setup(s => s.MoveTicketAsync(It.IsAny<Ticket>(), current.Etag, It.IsAny<Ticket>(), null, It.IsAny<CancellationToken>()))
            .Callback((Ticket t, string _, Ticket s, IdempotencyRecord? _, CancellationToken _) => written = (t, s)).Returns(Task.CompletedTask);

        var moved = await Move($$"""{"teamId":"facilities","itemTypeId":"{{TicketMoveApi.IncidentType}}","etag":"{{current.Etag}}"}""");

        Assert.Null(moved.Error);
        var (tombstone, successor) = written!.Value;
        Assert.Equal(("HWI-0004", 9L, "facilities"), (successor.ObjectId, successor.IdSerial, successor.LookupProps.TeamId));
        Assert.Equal([current.Id], successor.MovedFrom);
        Assert.Equal("Need a laptop", (string?)successor.Data[Title]);
        Assert.Equal(TicketMoveApi.IncidentOffer, (string?)successor.Data["offerId"]);
        Assert.Equal((current.Id, "HWI-0004", 2), (tombstone.Id, tombstone.MovedTo, tombstone.Version));
        Assert.Equal(TicketHistory.Moved, Assert.Single(successor.History, e => e.Version == 2).Action);
        Assert.Equal(successor.ObjectId, moved.Value!.Ticket.ObjectId);
    }

    [Fact]
    public async Task Values_the_new_type_lacks_are_refused_before_a_number_is_taken_or_anything_written()
    {
        var current = Stored();
        _store.Setup(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0007", It.IsAny<CancellationToken>())).ReturnsAsync(current);

        var refused = await Move($$"""{"teamId":"james","itemTypeId":"16911","etag":"{{current.Etag}}"}""");

        Assert.Equal(ApiErrorKind.InvalidInput, refused.Error!.Kind);
        Assert.Equal(["Field Title has a value and is not defined for ticket type Incident; clear it before moving the ticket"], refused.Error.Reasons![Title]);
        _store.Verify(s => s.NextDisplayNumberAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        _store.Verify(s => s.MoveTicketAsync(It.IsAny<Ticket>(), It.IsAny<string>(), It.IsAny<Ticket>(), It.IsAny<IdempotencyRecord?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_tombstone_answers_308_to_the_end_of_its_chain_without_writing()
    {
        _store.Setup(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0007", It.IsAny<CancellationToken>())).ReturnsAsync(Stored() with { MovedTo = "HWI-0001" });
        _store.Setup(s => s.GetTicketAsync(TestApi.Tenant, "HWI-0001", It.IsAny<CancellationToken>()))
            .ReturnsAsync(TicketStoreContract.NewTicket(TestApi.Tenant, "HWI-0001") with { MovedTo = "CTC-0009" });
        _store.Setup(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0009", It.IsAny<CancellationToken>())).ReturnsAsync(TicketStoreContract.NewTicket(TestApi.Tenant, "CTC-0009"));

        var moved = await Move("""{"teamId":"facilities"}""");

        Assert.Equal((ApiErrorKind.Moved, "CTC-0009"), (moved.Error!.Kind, moved.Error.MovedTo));
    }

    [Fact]
    public void Only_agents_and_admins_with_the_write_scope_may_move()
    {
        Assert.True(Permissions.CanMove(Agent));
        Assert.True(Permissions.CanMove(Agent with { Roles = new HashSet<string> { "tenant_admin" } }));
        Assert.False(Permissions.CanMove(Agent with { Roles = new HashSet<string> { "ticket_user" } }));
        Assert.False(Permissions.CanMove(Agent with { Scopes = new HashSet<string> { "tickets:read" } }));
        Assert.True(Permissions.Allows(Agent, Permission.Move));
    }

    [Theory]
    [InlineData("""{"itemTypeId":"16911"}""", "teamId", "Field teamId is required")]
    [InlineData("""{"teamId":5}""", "teamId", "Field teamId must be a non-empty string")]
    [InlineData("""{"teamId":"james","teamId":"facilities"}""", "teamId", "Field teamId is given more than once")]
    [InlineData("""{"teamId":"james","summary":"x"}""", "summary", "Field summary is not part of a move; a move takes teamId, itemTypeId and etag")]
    public void A_move_body_is_checked_key_by_key(string body, string key, string reason)
    {
        var errors = new ValidationErrors();
        using var document = System.Text.Json.JsonDocument.Parse(body);

        Assert.Null(MoveTicketBody.Validate(document.RootElement, null, errors));
        Assert.Equal([reason], errors[key]);
    }

    [Fact]
    public async Task A_retry_with_the_key_after_a_crash_finishes_the_move_it_finds_and_completes_the_key()
    {
        // The first request died after the tombstone (naming its key) was written; its claim was taken over.
        var keyId = IdempotencyKeys.RecordId(Agent, "move-1");
        var tombstone = Stored() with { MovedTo = "HWI-0002", MovedByKey = keyId };
        var successor = TicketStoreContract.NewTicket(TestApi.Tenant, "HWI-0002") with { MovedFrom = [tombstone.Id] };
        _store.Setup(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0007", It.IsAny<CancellationToken>())).ReturnsAsync(tombstone);
        _store.Setup(s => s.GetTicketAsync(TestApi.Tenant, "HWI-0002", It.IsAny<CancellationToken>())).ReturnsAsync(successor);
        _store.Setup(s => s.ClaimIdempotencyKeyAsync(It.Is<IdempotencyRecord>(r => r.Id == keyId), It.IsAny<Func<IdempotencyRecord, bool>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IdempotencyRecord?)null);
        IdempotencyRecord? completed = null;
        _store.Setup(s => s.SaveIdempotencyRecordAsync(It.IsAny<IdempotencyRecord>(), It.IsAny<CancellationToken>()))
            .Callback((IdempotencyRecord r, CancellationToken _) => completed = r).Returns(Task.CompletedTask);

        var moved = await Move($$"""{"teamId":"facilities","itemTypeId":"{{TicketMoveApi.IncidentType}}","etag":"{{tombstone.Etag}}"}""", "move-1");

        Assert.Equal("HWI-0002", moved.Value!.Ticket.ObjectId);
        Assert.Equal((IdempotencyRecord.Completed, "HWI-0002"), (completed!.State, completed.Ticket!.ObjectId));
        _store.Verify(s => s.MoveTicketAsync(It.IsAny<Ticket>(), It.IsAny<string>(), It.IsAny<Ticket>(), It.IsAny<IdempotencyRecord?>(), It.IsAny<CancellationToken>()), Times.Never);
        // Another key (or none) finds a tombstone: 308.
        Assert.Equal(ApiErrorKind.Moved, (await Move("""{"teamId":"facilities"}""", "move-2")).Error!.Kind);
    }
}
