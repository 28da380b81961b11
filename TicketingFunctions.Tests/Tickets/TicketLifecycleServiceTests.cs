using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TicketingFunctions.Api;
using TicketingFunctions.Attachments;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Functions;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.Tickets;

/// <summary>The lifecycle service's rules and its store traffic, with the store substituted (strict: any call not set up fails).</summary>
public sealed class TicketLifecycleServiceTests
{
    private const string Title = "ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53";
    private readonly Mock<ITicketStore> _store = new(MockBehavior.Strict);
    private readonly Mock<IAttachmentStore> _attachments = new(MockBehavior.Strict);
    /// <summary>No comments: the history's comment page is empty.</summary>
    private readonly Mock<ICommentStore> _comments = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 7, 11, 8, 0, 0, 123, TimeSpan.Zero));
    private readonly TicketHistoryOptions _history = new();
    private readonly TicketLifecycleService _service;
    private readonly CatalogIndex _catalog;

    private CheckedCaller Checked(Caller caller) => new(caller, _catalog, Headers);

    public TicketLifecycleServiceTests()
    {
        _comments.Setup(c => c.ListCommentsAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<bool>(), It.IsAny<CommentPosition?>(), It.IsAny<int>(),
            It.IsAny<CancellationToken>())).ReturnsAsync(new CommentPage([], null));
        var file = CatalogFileReader.ReadAsync(CatalogFileReader.SampleCatalogPath, default).GetAwaiter().GetResult();
        _store.Setup(s => s.GetCatalogAsync(TestApi.Tenant, It.IsAny<CancellationToken>())).ReturnsAsync(file.Tenants[0]);
        var catalogs = new CatalogProvider(_store.Object, Options.Create(new CatalogOptions()), _time);
        _catalog = catalogs.GetAsync(TestApi.Tenant, default).GetAwaiter().GetResult()!;
        _service = new TicketLifecycleService(new TicketAccessor(_store.Object), new JsonBodyReader(Options.Create(new RequestLimits())),
            _store.Object, _comments.Object, new ContinuationTokens(Options.Create(new TicketListOptions()), NullLogger<ContinuationTokens>.Instance),
            _attachments.Object, new RevisionSaver(_store.Object, Options.Create(_history), NullLogger<RevisionSaver>.Instance),
            _time, Options.Create(_history), NullLogger<TicketLifecycleService>.Instance);
    }

    private static readonly Caller Agent = new(TestApi.Tenant, "demo", "agent.smith", "smith@example.com", "Agent", "Smith",
        new HashSet<string> { "ticket_agent" }, new HashSet<string> { "tickets:read", "tickets:write" }, new HashSet<string> { "james" },
        Issuer: "https://idp.example/realms/demo", Subject: "agent-smith-id");

    private static readonly RequestHeaders Headers = new(TestApi.Tenant, "demo", null);

    /// <summary>A stored CTC ticket at <paramref name="version"/>, with one history entry per version (or those given).</summary>
    private static Ticket Stored(int version = 1, IReadOnlyList<TicketHistoryEntry>? history = null) => TicketStoreContract.NewTicket(TestApi.Tenant, "CTC-0007") with
    {
        Summary = "Laptop",
        Version = version,
        LookupProps = new LookupProps("james", "16910"),
        Data = new JsonObject { ["offerId"] = "23629", [Title] = "Need a laptop", ["submittedBy"] = "user@example.com" },
        History = history ?? [.. Enumerable.Range(1, version).Select(v => TicketStoreContract.Entry(v, v == 1 ? TicketHistory.Created : TicketHistory.Updated, ("summary", null, "\"Laptop\"")))],
    };

    private void Returns(Ticket ticket) =>
        _store.Setup(s => s.GetTicketAsync(TestApi.Tenant, ticket.ObjectId, It.IsAny<CancellationToken>())).ReturnsAsync(ticket);

    private Task<Outcome<Ticket>> Update(string body, string? ifMatch = null, Caller? caller = null) =>
        _service.UpdateAsync(Checked(caller ?? Agent), new UpdateTicketRequest("CTC-0007", HttpResults.ParseIfMatch(ifMatch), new MemoryStream(Encoding.UTF8.GetBytes(body)), ContentType: "application/json"), default);

    private void VerifyOnlyTheseCalls()
    {
        _store.Verify(s => s.GetCatalogAsync(TestApi.Tenant, It.IsAny<CancellationToken>()), Times.AtMostOnce);
        _store.VerifyNoOtherCalls();
    }

    // --- update: store traffic ---

    [Fact]
    public async Task Below_the_cap_an_update_is_one_read_and_one_replace_conditional_on_the_etag_read()
    {
        var current = Stored();
        Returns(current);
        Ticket? written = null;
        _store.Setup(s => s.ReplaceTicketAsync(It.IsAny<Ticket>(), current.Etag, It.IsAny<CancellationToken>()))
            .Callback<Ticket, string, CancellationToken>((t, _, _) => written = t).Returns(Task.CompletedTask);

        var outcome = await Update($$"""{"etag":"{{current.Etag}}","summary":"Laptop and dock"}""");

        Assert.Null(outcome.Error);
        Assert.Same(written, outcome.Value);
        Assert.Equal(2, written!.Version);
        Assert.NotEqual(current.Etag, written.Etag);
        Assert.Equal("2025-07-11T08:00:00.123Z", written.UpdatedAt);
        Assert.Equal("agent.smith", (string?)written.Data["lastUpdatedBy"]!["username"]);
        Assert.Equal([1, 2], written.History.Select(e => e.Version));
        _store.Verify(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0007", It.IsAny<CancellationToken>()), Times.Once);
        _store.Verify(s => s.ReplaceTicketAsync(It.IsAny<Ticket>(), current.Etag, It.IsAny<CancellationToken>()), Times.Once);
        VerifyOnlyTheseCalls();
    }

    [Fact]
    public async Task Past_the_cap_the_oldest_entries_are_archived_before_the_ticket_is_replaced_without_them()
    {
        _history.MaxEmbeddedEntries = 4;
        var current = Stored(version: 4);
        Returns(current);
        var order = new List<string>();
        IReadOnlyList<TicketHistoryEntry>? archived = null;
        Ticket? written = null;
        _store.Setup(s => s.AppendHistoryArchiveAsync(TestApi.Tenant, current.Id, It.IsAny<IReadOnlyList<TicketHistoryEntry>>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, IReadOnlyList<TicketHistoryEntry>, CancellationToken>((_, _, e, _) => { archived = e; order.Add("archive"); })
            .Returns(Task.CompletedTask);
        _store.Setup(s => s.ReplaceTicketAsync(It.IsAny<Ticket>(), current.Etag, It.IsAny<CancellationToken>()))
            .Callback<Ticket, string, CancellationToken>((t, _, _) => { written = t; order.Add("replace"); })
            .Returns(Task.CompletedTask);

        var outcome = await Update($$"""{"summary":"Laptop and dock"}""", ifMatch: $"\"{current.Etag}\"");

        Assert.Null(outcome.Error);
        Assert.Equal(["archive", "replace"], order);
        // Five entries are one past the cap of four: the oldest three go, down to half the cap.
        Assert.Equal([1, 2, 3], archived!.Select(e => e.Version));
        Assert.Equal([4, 5], written!.History.Select(e => e.Version));
        Assert.Same(written, outcome.Value);
    }

    [Fact]
    public async Task A_new_attachment_is_linked_to_the_ticket_before_the_ticket_is_written_and_none_for_a_stale_etag()
    {
        var current = Stored();
        Returns(current);
        var id = Guid.NewGuid().ToString();
        var order = new List<string>();
        _attachments.Setup(a => a.GetAsync(TestApi.Tenant, id, It.IsAny<CancellationToken>())).ReturnsAsync(
            new AttachmentRecord(id, TestApi.Tenant, "quote.pdf", "application/pdf", 10, new string('0', 64), "agent.smith", "2025-07-11T07:00:00.000Z", null, Agent.Identity.Key));
        _attachments.Setup(a => a.LinkAsync(TestApi.Tenant, id, current.Id, It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("link")).ReturnsAsync(true);
        Ticket? written = null;
        _store.Setup(s => s.ReplaceTicketAsync(It.IsAny<Ticket>(), current.Etag, It.IsAny<CancellationToken>()))
            .Callback<Ticket, string, CancellationToken>((t, _, _) => { written = t; order.Add("replace"); }).Returns(Task.CompletedTask);

        var stale = await Update("{\"etag\":\"stale\",\"attachments\":{\"" + id + "\":{}}}");
        Assert.Equal(ApiErrorKind.EtagMismatch, stale.Error!.Kind);
        Assert.Empty(order);

        var outcome = await Update("{\"etag\":\"" + current.Etag + "\",\"attachments\":{\"" + id + "\":{\"description\":\"Quote\"}}}");

        Assert.Null(outcome.Error);
        Assert.Equal(["link", "replace"], order);
        Assert.Equal("quote.pdf", (string?)written!.Attachments[id]!["filename"]);
        Assert.Equal(["attachments." + id], written.History[^1].Changes.Keys);
    }

    [Fact]
    public async Task An_upload_linked_elsewhere_in_between_refuses_the_update_without_a_write()
    {
        var current = Stored();
        Returns(current);
        var id = Guid.NewGuid().ToString();
        _attachments.Setup(a => a.GetAsync(TestApi.Tenant, id, It.IsAny<CancellationToken>())).ReturnsAsync(
            new AttachmentRecord(id, TestApi.Tenant, "quote.pdf", "application/pdf", 10, new string('0', 64), "agent.smith", "2025-07-11T07:00:00.000Z", null, Agent.Identity.Key));
        _attachments.Setup(a => a.LinkAsync(TestApi.Tenant, id, current.Id, It.IsAny<CancellationToken>())).ReturnsAsync(false);

        var outcome = await Update("{\"etag\":\"" + current.Etag + "\",\"attachments\":{\"" + id + "\":{}}}");

        Assert.Equal([AttachmentLinks.NotLinkable(id)], outcome.Error!.Reasons!["attachments"]);
        _store.Verify(s => s.ReplaceTicketAsync(It.IsAny<Ticket>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_stale_etag_is_412_without_any_write()
    {
        Returns(Stored());

        var outcome = await Update("""{"etag":"not-the-current-one","summary":"x"}""");

        Assert.Equal(ApiErrorKind.EtagMismatch, outcome.Error!.Kind);
        _store.Verify(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0007", It.IsAny<CancellationToken>()), Times.Once);
        VerifyOnlyTheseCalls();
    }

    [Fact]
    public async Task Losing_the_race_at_the_store_is_a_412()
    {
        var current = Stored();
        Returns(current);
        _store.Setup(s => s.ReplaceTicketAsync(It.IsAny<Ticket>(), current.Etag, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new EtagMismatchException("changed"));

        var outcome = await Update($$"""{"etag":"{{current.Etag}}","summary":"x"}""");

        Assert.Equal(ApiErrorKind.EtagMismatch, outcome.Error!.Kind);
        Assert.Null(outcome.Value);
    }

    [Fact]
    public async Task No_etag_is_428_without_any_write()
    {
        Returns(Stored());

        var outcome = await Update("""{"summary":"x"}""");

        Assert.Equal(ApiErrorKind.EtagRequired, outcome.Error!.Kind);
        _store.Verify(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0007", It.IsAny<CancellationToken>()), Times.Once);
        VerifyOnlyTheseCalls();
    }

    [Fact]
    public async Task An_update_that_changes_nothing_writes_nothing_and_answers_the_ticket_as_it_is()
    {
        var current = Stored();
        Returns(current);

        var outcome = await Update($$"""{"etag":"{{current.Etag}}","summary":"Laptop","ticketBody":{"{{Title}}":"Need a laptop","offerId":"23629"} }""");

        Assert.Same(current, outcome.Value);
        _store.Verify(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0007", It.IsAny<CancellationToken>()), Times.Once);
        VerifyOnlyTheseCalls();
    }

    [Theory]
    [InlineData("read")]
    [InlineData("replace")]
    public async Task Store_unavailability_reaches_the_pipeline_with_the_stores_retry_after(string failing)
    {
        var current = Stored();
        if (failing == "read")
            _store.Setup(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0007", It.IsAny<CancellationToken>())).ThrowsAsync(new StoreUnavailableException("429", TimeSpan.FromSeconds(3)));
        else
        {
            Returns(current);
            _store.Setup(s => s.ReplaceTicketAsync(It.IsAny<Ticket>(), current.Etag, It.IsAny<CancellationToken>())).ThrowsAsync(new StoreUnavailableException("503", TimeSpan.FromSeconds(3)));
        }

        // The request pipeline answers it 503 with this Retry-After (StoreFailureHttpTests); nothing is written after it.
        var thrown = await Assert.ThrowsAsync<StoreUnavailableException>(() => Update($$"""{"etag":"{{current.Etag}}","summary":"x"}"""));

        Assert.Equal(TimeSpan.FromSeconds(3), thrown.RetryAfter);
    }

    // --- the checks on the ticket (those before it are the request pipeline's: Http/CheckOrderTests) ---

    [Fact]
    public async Task A_ticket_a_store_returned_from_another_tenant_is_still_not_found()
    {
        Returns(Stored() with { TenantId = TestApi.OtherTenant });

        var read = await _service.ReadAsync(Checked(Agent), "CTC-0007", false, default);

        Assert.Equal(ApiErrorKind.TicketNotFound, read.Error!.Kind);
        Assert.Equal("Ticket not found", read.Error.Message);
    }

    [Fact]
    public async Task A_ticket_whose_type_left_the_catalog_is_forbidden_except_to_a_tenant_admin()
    {
        Returns(Stored() with { LookupProps = new LookupProps("james", "gone") });
        var admin = Agent with { Roles = new HashSet<string> { "tenant_admin" } };

        var agent = await _service.ReadAsync(Checked(Agent), "CTC-0007", false, default);
        var asAdmin = await _service.ReadAsync(Checked(admin), "CTC-0007", false, default);

        Assert.Equal(ApiErrorKind.Forbidden, agent.Error!.Kind);
        Assert.Null(asAdmin.Error);
    }

    // --- history: store traffic ---

    [Fact]
    public async Task The_history_of_a_ticket_that_still_carries_its_creation_is_one_read()
    {
        Returns(Stored(version: 3));

        var outcome = await _service.HistoryAsync(Checked(Agent), "CTC-0007", HistoryPage.Parse(null, null, null, new ValidationErrors()), default);

        Assert.Equal([1, 2, 3], outcome.Value!.Entries.Select(e => e.Version));
        _store.Verify(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0007", It.IsAny<CancellationToken>()), Times.Once);
        VerifyOnlyTheseCalls();
    }

    [Fact]
    public async Task Older_entries_come_from_the_archive_first_and_entries_in_both_places_appear_once()
    {
        IReadOnlyList<TicketHistoryEntry> embedded = [.. Enumerable.Range(4, 3).Select(v => TicketStoreContract.Entry(v, TicketHistory.Updated, ("summary", null, "\"embedded\"")))];
        var current = Stored(version: 6, embedded);
        Returns(current);
        // Versions 4 and 5 were archived by a writer that then lost its race: they are in both places.
        IReadOnlyList<TicketHistoryEntry> archive = [.. Enumerable.Range(1, 5).Select(v => TicketStoreContract.Entry(v, TicketHistory.Updated, ("summary", null, "\"archived\"")))];
        _store.Setup(s => s.GetHistoryArchiveAsync(TestApi.Tenant, current.Id, 0, It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync(archive);

        var outcome = await _service.HistoryAsync(Checked(Agent), "CTC-0007", HistoryPage.Parse(null, null, null, new ValidationErrors()), default);

        var entries = outcome.Value!.Entries;
        Assert.Equal([1, 2, 3, 4, 5, 6], entries.Select(e => e.Version));
        Assert.Equal(["archived", "archived", "archived", "embedded", "embedded", "embedded"], entries.Select(e => e.Changes["summary"].New!.Value.GetString()));
    }
}
