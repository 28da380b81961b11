using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TicketingFunctions.Api;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Tickets;

/// <summary>The create service's rules, with the store substituted.</summary>
public sealed class CreateTicketServiceTests
{
    private readonly Mock<ITicketStore> _store = new(MockBehavior.Strict);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 7, 10, 12, 34, 56, 737, TimeSpan.Zero));
    private readonly CreateTicketService _service;
    private readonly CatalogIndex _catalog;

    public CreateTicketServiceTests()
    {
        var file = CatalogFileReader.ReadAsync(CatalogFileReader.SampleCatalogPath, default).GetAwaiter().GetResult();
        _store.Setup(s => s.GetCatalogAsync(TestApi.Tenant, It.IsAny<CancellationToken>())).ReturnsAsync(file.Tenants[0]);
        var catalogs = new CatalogProvider(_store.Object, Options.Create(new CatalogOptions()), _time);
        _catalog = catalogs.GetAsync(TestApi.Tenant, default).GetAwaiter().GetResult()!;
        _service = new CreateTicketService(new JsonBodyReader(Options.Create(new RequestLimits())), _store.Object,
            new Mock<IAttachmentStore>(MockBehavior.Strict).Object, _time, NullLogger<CreateTicketService>.Instance);
    }

    private static readonly Caller User = new(TestApi.Tenant, "demo", "jdoe", "jane@example.com", "Jane", "Doe",
        new HashSet<string> { "ticket_user" }, new HashSet<string> { "tickets:write" }, new HashSet<string> { "james" },
        Issuer: "http://localhost:7071/realms/demo", Subject: "jdoe-subject");

    // The store's unavailability is the request pipeline's to answer (503); mapped here as the pipeline maps it.
    private async Task<Outcome<CreatedTicket>> Create(string body = Bodies.ContractExample, string? idempotencyKey = null)
    {
        try
        {
            return await _service.CreateAsync(new CheckedCaller(User, _catalog, new RequestHeaders(TestApi.Tenant, "demo", "false")),
                new CreateTicketRequest("james", "16910", "template", "ticketing", new MemoryStream(Encoding.UTF8.GetBytes(body)),
                    IdempotencyKey: idempotencyKey, ContentType: "application/json"), default);
        }
        catch (StoreUnavailableException ex)
        {
            return ApiError.Unavailable(ex.RetryAfter);
        }
    }

    [Fact]
    public async Task A_failed_create_releases_its_idempotency_key()
    {
        _store.Setup(s => s.ClaimIdempotencyKeyAsync(It.IsAny<IdempotencyRecord>(), It.IsAny<Func<IdempotencyRecord, bool>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IdempotencyRecord?)null);
        _store.Setup(s => s.NextDisplayNumberAsync(TestApi.Tenant, "CTC", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new StoreUnavailableException("503", TimeSpan.FromSeconds(2)));
        _store.Setup(s => s.ReleaseIdempotencyKeyAsync(TestApi.Tenant, It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        var outcome = await Create(idempotencyKey: "k");

        Assert.Equal(ApiErrorKind.Unavailable, outcome.Error!.Kind);
        _store.Verify(s => s.ReleaseIdempotencyKeyAsync(TestApi.Tenant, It.Is<string>(id => id.StartsWith("idem-")), It.IsAny<CancellationToken>()), Times.Once);
        _store.Verify(s => s.SaveIdempotencyRecordAsync(It.IsAny<IdempotencyRecord>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_claim_may_be_taken_over_once_expired_or_abandoned_but_not_while_fresh()
    {
        Func<IdempotencyRecord, bool>? canTakeOver = null;
        _store.Setup(s => s.ClaimIdempotencyKeyAsync(It.IsAny<IdempotencyRecord>(), It.IsAny<Func<IdempotencyRecord, bool>>(), It.IsAny<CancellationToken>()))
            .Callback<IdempotencyRecord, Func<IdempotencyRecord, bool>, CancellationToken>((_, f, _) => canTakeOver = f)
            .ReturnsAsync((IdempotencyRecord claim, Func<IdempotencyRecord, bool> _, CancellationToken _) => claim with { State = IdempotencyRecord.Pending });

        var outcome = await Create(idempotencyKey: "k");

        Assert.Equal(ApiErrorKind.IdempotencyInProgress, outcome.Error!.Kind);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        IdempotencyRecord Held(string state, long createdAgo, long expiresIn) => new()
        {
            Id = "idem", TenantId = TestApi.Tenant, RequestHash = "h", State = state,
            CreatedAtUnixSeconds = now - createdAgo, ExpiresAtUnixSeconds = now + expiresIn, Ttl = 86400,
        };
        Assert.False(canTakeOver!(Held(IdempotencyRecord.Pending, createdAgo: 5, expiresIn: 86000)));
        Assert.True(canTakeOver(Held(IdempotencyRecord.Pending, createdAgo: 31, expiresIn: 86000)));
        Assert.False(canTakeOver(Held(IdempotencyRecord.Completed, createdAgo: 3600, expiresIn: 80000)));
        Assert.True(canTakeOver(Held(IdempotencyRecord.Completed, createdAgo: 86400, expiresIn: 0)));
        _store.Verify(s => s.NextDisplayNumberAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_valid_create_takes_one_number_and_writes_one_ticket_built_from_it()
    {
        _store.Setup(s => s.NextDisplayNumberAsync(TestApi.Tenant, "CTC", It.IsAny<CancellationToken>())).ReturnsAsync(new DisplayNumber(1458684, 54));
        Ticket? written = null;
        _store.Setup(s => s.CreateTicketAsync(It.IsAny<Ticket>(), It.IsAny<CancellationToken>())).Callback<Ticket, CancellationToken>((t, _) => written = t).Returns(Task.CompletedTask);

        var outcome = await Create();

        Assert.Null(outcome.Error);
        Assert.Same(written, outcome.Value!.Ticket);
        Assert.False(outcome.Value.Replayed);
        Assert.Equal("CTC-0054", written!.ObjectId);
        Assert.Equal(1458684, written.IdSerial);
        Assert.Equal(TestApi.Tenant, written.TenantId);
        Assert.Equal("2025-07-10T12:34:56.737Z", written.CreatedAt);
        _store.Verify(s => s.NextDisplayNumberAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task An_invalid_body_never_reaches_the_store()
    {
        var outcome = await Create("""{"source":"api"}""");
        Assert.Equal(ApiErrorKind.InvalidInput, outcome.Error!.Kind);
        _store.Verify(s => s.NextDisplayNumberAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Store_throttling_becomes_unavailable_with_its_retry_after()
    {
        _store.Setup(s => s.NextDisplayNumberAsync(TestApi.Tenant, "CTC", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new StoreUnavailableException("429", TimeSpan.FromSeconds(7)));

        var outcome = await Create();

        Assert.Equal(ApiErrorKind.Unavailable, outcome.Error!.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), outcome.Error.RetryAfter);
        _store.Verify(s => s.CreateTicketAsync(It.IsAny<Ticket>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_failed_ticket_write_after_the_increment_is_unavailable_not_a_half_ticket()
    {
        _store.Setup(s => s.NextDisplayNumberAsync(TestApi.Tenant, "CTC", It.IsAny<CancellationToken>())).ReturnsAsync(new DisplayNumber(1, 1));
        _store.Setup(s => s.CreateTicketAsync(It.IsAny<Ticket>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new StoreUnavailableException("503", TimeSpan.FromSeconds(2)));

        var outcome = await Create();

        Assert.Equal(ApiErrorKind.Unavailable, outcome.Error!.Kind);
        Assert.Null(outcome.Value);
    }
}
