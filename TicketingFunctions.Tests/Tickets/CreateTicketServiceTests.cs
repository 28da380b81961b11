using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
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

    public CreateTicketServiceTests()
    {
        var file = CatalogFileReader.ReadAsync(CatalogFileReader.SampleCatalogPath, default).GetAwaiter().GetResult();
        _store.Setup(s => s.GetCatalogAsync(TestApi.Tenant, It.IsAny<CancellationToken>())).ReturnsAsync(file.Tenants[0]);
        var catalogs = new CatalogProvider(_store.Object, Options.Create(new CatalogOptions()), _time);
        _service = new CreateTicketService(new TenantGate(catalogs), new JsonBodyReader(Options.Create(new RequestLimits())), _store.Object, _time, NullLogger<CreateTicketService>.Instance);
    }

    private static readonly Caller User = new(TestApi.Tenant, "demo", "jdoe", "jane@example.com", "Jane", "Doe",
        new HashSet<string> { "ticket_user" }, new HashSet<string> { "tickets:write" }, new HashSet<string> { "james" });

    private Task<Outcome<Ticket>> Create(string body = Bodies.ContractExample) =>
        _service.CreateAsync(User, new CreateTicketRequest(new RequestHeaders(TestApi.Tenant, "demo", "false"), "james", "16910", "template", "ticketing",
            new MemoryStream(Encoding.UTF8.GetBytes(body))), default);

    [Fact]
    public async Task A_valid_create_takes_one_number_and_writes_one_ticket_built_from_it()
    {
        _store.Setup(s => s.NextDisplayNumberAsync(TestApi.Tenant, "CTC", It.IsAny<CancellationToken>())).ReturnsAsync(new DisplayNumber(1458684, 54));
        Ticket? written = null;
        _store.Setup(s => s.CreateTicketAsync(It.IsAny<Ticket>(), It.IsAny<CancellationToken>())).Callback<Ticket, CancellationToken>((t, _) => written = t).Returns(Task.CompletedTask);

        var outcome = await Create();

        Assert.Null(outcome.Error);
        Assert.Same(written, outcome.Value);
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
