using System.Text;
using System.Text.Json;
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
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.Tickets;

/// <summary>Issue 22's comment rules, without a host: body, visibility, the edit window, the ticket's values, and the service's store traffic (Moq, strict).</summary>
public sealed class TicketCommentRulesTests
{
    private static CommentDraft? New(string json, ValidationErrors errors)
    {
        using var document = JsonDocument.Parse(json);
        return CommentRules.ValidateNew(document.RootElement, errors);
    }

    [Fact]
    public void The_body_is_sanitized_with_the_rich_text_allow_list_and_visibility_defaults_to_public()
    {
        var errors = new ValidationErrors();
        var draft = New("""{"body":"<p onclick=\"x()\">Hi <img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">link</a></p>"}""", errors);
        Assert.Empty(errors);
        Assert.Equal(RichTextSanitizer.Sanitize("<p onclick=\"x()\">Hi <img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">link</a></p>"), draft!.Body);
        Assert.DoesNotContain("onclick", draft.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", draft.Body, StringComparison.Ordinal);
        Assert.Equal(CommentVisibility.Public, draft.Visibility);
    }

    [Fact]
    public void Length_counts_code_points_and_visibility_is_one_of_two()
    {
        var errors = new ValidationErrors();
        Assert.NotNull(New(JsonSerializer.Serialize(new { body = string.Concat(Enumerable.Repeat("😀", CommentRules.MaxBodyLength)) }), errors));
        Assert.Null(New(JsonSerializer.Serialize(new { body = string.Concat(Enumerable.Repeat("😀", CommentRules.MaxBodyLength + 1)) }), errors));
        Assert.Equal(["Field body must be at most 10000 characters"], errors["body"]);
        errors = new ValidationErrors();
        Assert.Null(New("""{"body":"x","visibility":"Internal"}""", errors));
        Assert.Equal(["Field visibility must be one of: public, internal"], errors["visibility"]);
    }

    [Theory]
    [InlineData(14 * 60 + 59, true)]
    [InlineData(15 * 60, false)]
    public void The_edit_window_is_strict(int secondsLater, bool open) =>
        Assert.Equal(open, CommentRules.IsWithinEditWindow("2026-03-02T09:00:00.000Z",
            new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero).AddSeconds(secondsLater), TimeSpan.FromMinutes(15)));

    private static TicketComment Comment(Ticket ticket, string createdAt, bool agent, string visibility = CommentVisibility.Public) => new()
    {
        Id = Guid.NewGuid().ToString(), TenantId = ticket.TenantId, TicketId = ticket.Id, Etag = "e", Body = "b", Visibility = visibility,
        Author = new CommentAuthor("u", "k", agent), CreatedAt = createdAt,
    };

    private static Ticket WithReplyClock() => TicketStoreContract.NewTicket("t", "REQ-0001") with
    {
        CreatedAt = "2026-03-02T09:00:00.000Z",
        Slas = SlaClocks.Start([new SlaPolicy("Time to first response", 4, SlaPolicy.FirstPublicReply), new SlaPolicy("Resolution", 48, StatusCategories.Done)],
            StatusCategories.ToDo, new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)),
    };

    [Fact]
    public void Only_an_agents_public_comment_stops_the_first_reply_clock_and_measures_the_first_response()
    {
        var ticket = WithReplyClock();
        Assert.Null(TicketConversation.AfterComment(ticket, Comment(ticket, "2026-03-02T10:00:00.000Z", agent: true, CommentVisibility.Internal)));
        var byRequester = TicketConversation.AfterComment(ticket, Comment(ticket, "2026-03-02T10:00:00.000Z", agent: false))!;
        Assert.Equal(1, byRequester.CommentCount);
        Assert.All(byRequester.Slas, c => Assert.Null(c.StoppedAt));
        Assert.Empty(byRequester.Metrics);

        var replied = TicketConversation.AfterComment(byRequester, Comment(ticket, "2026-03-02T11:30:00.000Z", agent: true))!;
        Assert.Equal("2026-03-02T11:30:00.000Z", replied.Slas[0].StoppedAt);
        Assert.Null(replied.Slas[1].StoppedAt);
        Assert.Equal(new TicketMetric(TicketMetric.TimeToFirstResponse, 9000), Assert.Single(replied.Metrics));
        Assert.Equal((2, "2026-03-02T11:30:00.000Z", ticket.Etag), (replied.CommentCount, replied.LastCommentAt, replied.Etag));

        // A later reply changes neither the clock nor the measure.
        var again = TicketConversation.AfterComment(replied, Comment(ticket, "2026-03-02T12:00:00.000Z", agent: true))!;
        Assert.Equal("2026-03-02T11:30:00.000Z", again.Slas[0].StoppedAt);
        Assert.Equal(9000, Assert.Single(again.Metrics).Value);
    }

    [Fact]
    public void An_update_built_before_a_reply_carries_the_replys_values_over_and_keeps_its_own()
    {
        var ticket = WithReplyClock();
        var stored = TicketConversation.AfterComment(ticket, Comment(ticket, "2026-03-02T11:00:00.000Z", agent: true))!;
        var revision = ticket with { Summary = "Changed", Slas = [ticket.Slas[0], ticket.Slas[1] with { StoppedAt = "2026-03-02T12:00:00.000Z" }] };

        var merged = TicketConversation.CarryOver(stored, revision);

        Assert.Equal("Changed", merged.Summary);
        Assert.Equal((1, "2026-03-02T11:00:00.000Z"), (merged.CommentCount, merged.LastCommentAt));
        Assert.Equal(["2026-03-02T11:00:00.000Z", "2026-03-02T12:00:00.000Z"], merged.Slas.Select(c => c.StoppedAt));
        Assert.Equal(7200, Assert.Single(merged.Metrics).Value);
        Assert.Equal(TicketConversation.Key(stored), TicketConversation.Key(merged with { Slas = stored.Slas }));
    }

    [Fact]
    public void Mentions_are_at_names_not_addresses_each_once()
    {
        Assert.Equal(["agent.jones", "Pat"], CommentMentions.Find("<p>@agent.jones, mail pat@example.com or ask @Pat. Again @AGENT.JONES</p>"));
        Assert.Empty(CommentMentions.Find("<p>no one here @ all</p>"));
    }

    [Fact]
    public void A_mention_adds_its_address_to_toWatchers_once_and_an_update_keeps_it_unless_it_set_the_list()
    {
        var ticket = WithReplyClock() with { Data = new System.Text.Json.Nodes.JsonObject { ["toWatchers"] = new System.Text.Json.Nodes.JsonArray("lead@example.com") } };
        var note = Comment(ticket, "2026-03-02T10:00:00.000Z", agent: true, CommentVisibility.Internal);
        var stored = TicketConversation.AfterComment(ticket, note, ["jones@example.com"])!;
        Assert.Equal("[\"lead@example.com\",\"jones@example.com\"]", stored.Data["toWatchers"]!.ToJsonString());
        Assert.Equal(0, stored.CommentCount);
        Assert.Null(TicketConversation.AfterComment(stored, note, ["JONES@example.com"]));

        // An update read before the mention, not touching the watchers, keeps the mention's list.
        var untouched = ticket with { Summary = "x", Version = 2, History = [TicketStoreContract.Entry(2, TicketHistory.Updated, ("summary", "\"a\"", "\"x\""))] };
        Assert.Equal(stored.Data["toWatchers"]!.ToJsonString(), TicketConversation.CarryOver(stored, untouched).Data["toWatchers"]!.ToJsonString());
        // One that set the list: its list wins.
        var setList = ticket with
        {
            Data = new System.Text.Json.Nodes.JsonObject { ["toWatchers"] = new System.Text.Json.Nodes.JsonArray() }, Version = 2,
            History = [TicketStoreContract.Entry(2, TicketHistory.Updated, ("toWatchers", "[\"lead@example.com\"]", "[]"))],
        };
        Assert.Equal("[]", TicketConversation.CarryOver(stored, setList).Data["toWatchers"]!.ToJsonString());
    }

    // --- the service, with its stores substituted ---

    private static readonly Caller Requester = new(TestApi.Tenant, "demo", "pat", "pat@example.com", "Pat", "Doe",
        new HashSet<string> { "ticket_user" }, new HashSet<string> { "tickets:read", "tickets:write" }, new HashSet<string> { "james" },
        Issuer: "https://idp.example/realms/demo", Subject: "pat");

    /// <summary>The service over strict mocks of both stores, with the sample catalog, and the requester checked against it.</summary>
    private static async Task<(TicketCommentService, Mock<ITicketStore>, Mock<ICommentStore>, CheckedCaller)> ServiceAsync()
    {
        var store = new Mock<ITicketStore>(MockBehavior.Strict);
        var comments = new Mock<ICommentStore>(MockBehavior.Strict);
        var time = new FakeTimeProvider();
        var file = await CatalogFileReader.ReadAsync(CatalogFileReader.SampleCatalogPath, default);
        store.Setup(s => s.GetCatalogAsync(TestApi.Tenant, It.IsAny<CancellationToken>())).ReturnsAsync(file.Tenants[0]);
        var catalog = (await new CatalogProvider(store.Object, Options.Create(new CatalogOptions()), time).GetAsync(TestApi.Tenant, default))!;
        var service = new TicketCommentService(new TicketAccessor(store.Object), new JsonBodyReader(Options.Create(new RequestLimits())), comments.Object,
            Mock.Of<IAttachmentStore>(MockBehavior.Strict), new ContinuationTokens(Options.Create(new TicketListOptions()), NullLogger<ContinuationTokens>.Instance),
            time, Options.Create(new CommentOptions()), NullLogger<TicketCommentService>.Instance);
        return (service, store, comments, new CheckedCaller(Requester, catalog, new RequestHeaders(TestApi.Tenant, "demo", null)));
    }

    [Fact]
    public async Task A_requesters_page_asks_the_store_for_public_comments_of_the_ticket_and_its_predecessors_in_one_call()
    {
        var (service, store, comments, requester) = await ServiceAsync();
        var ticket = TicketStoreContract.NewTicket(TestApi.Tenant, "CTC-0009") with { LookupProps = new LookupProps("james", "16910"), MovedFrom = ["old-1", "old-2"] };
        store.Setup(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0009", It.IsAny<CancellationToken>())).ReturnsAsync(ticket);
        comments.Setup(c => c.ListCommentsAsync(TestApi.Tenant, new[] { ticket.Id, "old-1", "old-2" }, true, null, 20, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CommentPage([], null));

        var page = await service.ListAsync(requester, "CTC-0009", new CommentPageRequest(null, 20), default);

        Assert.Null(page.Error);
        comments.VerifyAll();
        comments.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_requesters_internal_note_is_refused_before_anything_is_written()
    {
        var (service, store, comments, requester) = await ServiceAsync();
        var ticket = TicketStoreContract.NewTicket(TestApi.Tenant, "CTC-0009") with { LookupProps = new LookupProps("james", "16910") };
        store.Setup(s => s.GetTicketAsync(TestApi.Tenant, "CTC-0009", It.IsAny<CancellationToken>())).ReturnsAsync(ticket);

        var outcome = await service.AddAsync(requester, "CTC-0009",
            new MemoryStream(Encoding.UTF8.GetBytes("""{"body":"x","visibility":"internal"}""")), null, "application/json", default);

        Assert.Equal(ApiErrorKind.PermissionDenied, outcome.Error!.Kind);
        comments.VerifyNoOtherCalls();
    }
}
