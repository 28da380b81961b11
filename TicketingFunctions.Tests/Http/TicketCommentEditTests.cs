using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using TicketingFunctions.Tests.Cosmos;
using static TicketingFunctions.Tests.Http.CommentApi;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

public sealed class TicketCommentEditsOnEmbeddedStore() : TicketCommentEditTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class TicketCommentEditsOnCosmos(CosmosEmulatorFixture emulator) : TicketCommentEditTests(new CosmosHosts(emulator));

/// <summary>Issue 22: a comment is immutable but for its author's correction within the window, and a tenant admin's redaction.</summary>
public abstract class TicketCommentEditTests(IApiHosts hosts) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private TestApi Api { get; set; } = null!;

    public async Task InitializeAsync() => Api = await hosts.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(_time)));
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private string Author => Api.Token(roles: "ticket_agent", username: "agent.one", subject: "agent-one");

    private async Task<(string ObjectId, JsonElement Comment)> CommentedAsync(string visibility = "public")
    {
        var ticket = await Api.CreateTicketAsync();
        var response = await Api.CommentAsync(ticket.ObjectId(), CommentBody("<p>Teh laptop</p>", visibility), Author);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (ticket.ObjectId(), (await response.JsonAsync()).GetProperty("comment"));
    }

    private static string Quoted(JsonElement comment) => $"\"{comment.GetProperty("etag").GetString()}\"";
    private static string Id(JsonElement comment) => comment.GetProperty("id").GetString()!;

    [Fact]
    public async Task Its_author_corrects_it_within_the_window_with_its_etag_and_the_earlier_text_is_kept()
    {
        var (objectId, comment) = await CommentedAsync();
        _time.Advance(TimeSpan.FromMinutes(14));

        await AssertError(await Api.EditCommentAsync(objectId, Id(comment), CommentBody("<p>The laptop</p>"), null, Author), (HttpStatusCode)428, "ETAG_REQUIRED");
        await AssertError(await Api.EditCommentAsync(objectId, Id(comment), CommentBody("<p>The laptop</p>"), $"\"{Guid.NewGuid()}\"", Author), HttpStatusCode.PreconditionFailed, "ETAG_MISMATCH");
        // Someone else, even an admin, can't correct it; an unknown id is 404.
        await AssertError(await Api.EditCommentAsync(objectId, Id(comment), CommentBody("x"), Quoted(comment), Api.Token(roles: "tenant_admin")),
            HttpStatusCode.Forbidden, "FORBIDDEN", "Only its author may correct a comment");
        await AssertError(await Api.EditCommentAsync(objectId, Guid.NewGuid().ToString(), CommentBody("x"), Quoted(comment), Author),
            HttpStatusCode.NotFound, "COMMENT_NOT_FOUND", "Comment not found");

        var edited = await Api.EditCommentAsync(objectId, Id(comment), CommentBody("<p>The laptop</p><script>x</script>"), Quoted(comment), Author);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var after = (await edited.JsonAsync()).GetProperty("comment");
        Assert.Equal("<p>The laptop</p>", after.GetProperty("body").GetString());
        Assert.NotEqual(comment.GetProperty("etag").GetString(), after.GetProperty("etag").GetString());
        Assert.Equal("2026-03-02T09:14:00.000Z", after.GetProperty("edited_at").GetString());
        var revision = Assert.Single(after.GetProperty("revisions").EnumerateArray());
        Assert.Equal("<p>Teh laptop</p>", revision.GetProperty("body").GetString());
        // The old etag is spent.
        await AssertError(await Api.EditCommentAsync(objectId, Id(comment), CommentBody("again"), Quoted(comment), Author), HttpStatusCode.PreconditionFailed, "ETAG_MISMATCH");
    }

    [Fact]
    public async Task Past_the_window_the_comment_is_immutable()
    {
        var (objectId, comment) = await CommentedAsync();
        _time.Advance(TimeSpan.FromMinutes(15));
        await AssertError(await Api.EditCommentAsync(objectId, Id(comment), CommentBody("late"), Quoted(comment), Author),
            HttpStatusCode.Forbidden, "FORBIDDEN", "A comment can be corrected only within 15 minutes of writing it");
    }

    [Fact]
    public async Task A_tenant_admin_redacts_it_keeping_who_and_when_and_dropping_every_earlier_text()
    {
        var (objectId, comment) = await CommentedAsync();
        var edited = (await (await Api.EditCommentAsync(objectId, Id(comment), CommentBody("<p>My password is hunter2</p>"), Quoted(comment), Author)).JsonAsync()).GetProperty("comment");
        Assert.Single(edited.GetProperty("revisions").EnumerateArray());

        await AssertError(await Api.RedactCommentAsync(objectId, Id(comment), Author), HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE",
            "You do not have the required permissions to redact a comment");
        _time.Advance(TimeSpan.FromMinutes(1));
        var response = await Api.RedactCommentAsync(objectId, Id(comment), Api.Token(roles: "tenant_admin", username: "admin.one"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var redacted = (await response.JsonAsync()).GetProperty("comment");
        Assert.Equal("<p>[redacted]</p>", redacted.GetProperty("body").GetString());
        Assert.Empty(redacted.GetProperty("revisions").EnumerateArray());
        Assert.Equal("admin.one", redacted.GetProperty("redacted").GetProperty("by").GetString());
        Assert.Equal("2026-03-02T09:01:00.000Z", redacted.GetProperty("redacted").GetProperty("at").GetString());

        var listed = await (await Api.CommentsAsync(objectId, Author)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("hunter2", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("Teh laptop", listed, StringComparison.Ordinal);
        // A redacted comment can't be corrected back.
        await AssertError(await Api.EditCommentAsync(objectId, Id(comment), CommentBody("undo"), Quoted(redacted), Author),
            HttpStatusCode.Forbidden, "FORBIDDEN", "A redacted comment can't be corrected");
    }

    [Fact]
    public async Task An_internal_note_does_not_exist_for_a_requester()
    {
        var (objectId, note) = await CommentedAsync("internal");
        await AssertError(await Api.EditCommentAsync(objectId, Id(note), CommentBody("x"), Quoted(note), Api.Token()),
            HttpStatusCode.NotFound, "COMMENT_NOT_FOUND", "Comment not found");
    }

    [Fact]
    public async Task The_list_sorts_and_filters_by_last_activity_which_a_public_comment_moves_without_changing_updated_at()
    {
        var first = await Api.CreateTicketAsync();
        _time.Advance(TimeSpan.FromMinutes(1));
        var second = await Api.CreateTicketAsync();
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await Api.CommentAsync(first.ObjectId(), CommentBody("<p>Any news?</p>"))).StatusCode);
        _time.Advance(TimeSpan.FromMinutes(1));
        // An internal note is no activity a requester could see: it moves nothing.
        Assert.Equal(HttpStatusCode.OK, (await Api.CommentAsync(second.ObjectId(), CommentBody("<p>note</p>", "internal"), Author)).StatusCode);

        async Task<string[]> ListAsync(string query)
        {
            var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/list?" + query, Api.Token()));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return [.. (await response.JsonAsync()).GetProperty("tickets").EnumerateArray().Select(t => t.ObjectId())];
        }
        Assert.Equal([first.ObjectId(), second.ObjectId()], await ListAsync("sort=last_activity"));
        Assert.Equal([second.ObjectId(), first.ObjectId()], await ListAsync("sort=updated_at"));
        Assert.Equal([first.ObjectId()], await ListAsync("sort=last_activity&activeAfter=2026-03-02T09:01:30Z"));
        Assert.Equal([second.ObjectId()], await ListAsync("activeAfter=2026-03-02T09:00:30Z&activeBefore=2026-03-02T09:01:30Z"));
        var refused = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/list?activeAfter=2026-03-03&activeBefore=2026-03-02", Api.Token()));
        Assert.Equal(["Query parameter activeBefore must not be before activeAfter"], (await refused.JsonAsync()).Reasons("activeBefore"));
    }
}
