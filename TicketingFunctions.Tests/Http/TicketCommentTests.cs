using System.Net;
using System.Text.Json;
using TicketingFunctions.Tests.Cosmos;
using static TicketingFunctions.Tests.Http.CommentApi;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

public sealed class TicketCommentsOnEmbeddedStore() : TicketCommentTests(new EmbeddedHosts());

[Collection(CosmosEmulatorCollection.Name)]
public sealed class TicketCommentsOnCosmos(CosmosEmulatorFixture emulator) : TicketCommentTests(new CosmosHosts(emulator));

/// <summary>Issue 22, comments: public replies and internal notes over HTTP, on both stores.</summary>
public abstract class TicketCommentTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;

    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private string Requester => Api.Token();
    private string Agent => Api.Token(roles: "ticket_agent", username: "agent.one", email: "agent.one@example.com", subject: "agent-one");

    private static async Task<JsonElement> CommentOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("comment");
    }

    private async Task<JsonElement> ReadAsync(string objectId, string? token = null)
    {
        var response = await Api.GetTicketAsync(objectId, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("ticket");
    }

    [Fact]
    public async Task A_reply_is_sanitized_counted_and_leaves_the_ticket_etag_so_a_pending_update_still_applies()
    {
        var ticket = await Api.CreateTicketAsync();
        Assert.Equal(0, ticket.GetProperty("comment_count").GetInt32());
        Assert.Equal(JsonValueKind.Null, ticket.GetProperty("last_comment_at").ValueKind);

        var response = await Api.CommentAsync(ticket.ObjectId(), CommentBody("<p>Hello <script>alert(1)</script><b>there</b></p>"), Agent);
        var comment = await CommentOf(response);
        Assert.Equal("<p>Hello <b>there</b></p>", comment.GetProperty("body").GetString());
        Assert.Equal("public", comment.GetProperty("visibility").GetString());
        Assert.Equal("agent.one", comment.GetProperty("author").GetProperty("username").GetString());
        Assert.True(comment.GetProperty("author").GetProperty("agent").GetBoolean());
        Assert.Equal(ticket.ObjectId(), comment.GetProperty("objectId").GetString());
        Assert.Equal($"\"{comment.GetProperty("etag").GetString()}\"", response.ETagHeader());

        var after = await ReadAsync(ticket.ObjectId());
        Assert.Equal(ticket.Etag(), after.Etag());
        Assert.Equal(ticket.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
        Assert.Equal(1, after.GetProperty("comment_count").GetInt32());
        Assert.Equal(comment.GetProperty("created_at").GetString(), after.GetProperty("last_comment_at").GetString());

        // The agent's edit, prepared with the etag read before the comment, still applies, and keeps the count.
        var update = await Api.PatchAsync(ticket.ObjectId(), Patch(ticket.Etag(), "\"summary\":\"Laptop + dock\""), Agent);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var updated = (await update.JsonAsync()).GetProperty("ticket");
        Assert.Equal(1, updated.GetProperty("comment_count").GetInt32());
        Assert.Equal(1, (await ReadAsync(ticket.ObjectId())).GetProperty("comment_count").GetInt32());
    }

    [Fact]
    public async Task An_internal_note_is_for_agents_and_never_reaches_a_requester()
    {
        var ticket = await Api.CreateTicketAsync();
        var refused = await Api.CommentAsync(ticket.ObjectId(), CommentBody("secret", "internal"), Requester);
        await AssertError(refused, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", "You do not have the required permissions to write an internal comment");

        var note = await CommentOf(await Api.CommentAsync(ticket.ObjectId(), CommentBody("<p>Supplier called</p>", "internal"), Agent));
        Assert.Equal("internal", note.GetProperty("visibility").GetString());
        var reply = await CommentOf(await Api.CommentAsync(ticket.ObjectId(), CommentBody("<p>On its way</p>"), Agent));

        // Agents see both; the requester sees the reply only, and its count and time are the reply's.
        var forAgent = (await (await Api.CommentsAsync(ticket.ObjectId(), Agent)).JsonAsync()).GetProperty("comments");
        Assert.Equal([note.GetProperty("id").GetString(), reply.GetProperty("id").GetString()], forAgent.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var forRequester = await Api.CommentsAsync(ticket.ObjectId(), Requester);
        var text = await forRequester.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Supplier", text, StringComparison.Ordinal);
        Assert.Equal([reply.GetProperty("id").GetString()],
            (await forRequester.JsonAsync()).GetProperty("comments").EnumerateArray().Select(c => c.GetProperty("id").GetString()));

        var read = await ReadAsync(ticket.ObjectId(), Requester);
        Assert.Equal(1, read.GetProperty("comment_count").GetInt32());
        Assert.Equal(reply.GetProperty("created_at").GetString(), read.GetProperty("last_comment_at").GetString());
        var history = await (await Api.GetHistoryAsync(ticket.ObjectId(), Requester)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Supplier", history, StringComparison.Ordinal);
        var list = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/list?include=data", Requester));
        Assert.DoesNotContain("Supplier", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_comment_s_attachments_download_through_the_ticket_and_an_internal_note_s_are_404_for_a_requester()
    {
        var ticket = await Api.CreateTicketAsync();
        var shared = await Api.UploadIdAsync("manual"u8.ToArray(), "manual.txt", token: Agent);
        var secret = await Api.UploadIdAsync("supplier quote"u8.ToArray(), "quote.txt", token: Agent);
        await CommentOf(await Api.CommentAsync(ticket.ObjectId(), CommentBody("<p>See the manual</p>", null, shared), Agent));
        await CommentOf(await Api.CommentAsync(ticket.ObjectId(), CommentBody("<p>Quote</p>", "internal", secret), Agent));

        foreach (var token in new[] { Requester, Agent })
        {
            var download = await Api.DownloadAsync(ticket.ObjectId(), shared, token);
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("manual", await download.Content.ReadAsStringAsync());
            Assert.Equal("manual.txt", download.Content.Headers.ContentDisposition!.FileName);
        }
        var forAgent = await Api.DownloadAsync(ticket.ObjectId(), secret, Agent);
        Assert.Equal("supplier quote", await forAgent.Content.ReadAsStringAsync());
        // For a requester the internal note's upload doesn't exist: the same 404 as an id nothing links.
        await AssertError(await Api.DownloadAsync(ticket.ObjectId(), secret, Requester), HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND", "Attachment not found");
        await AssertError(await Api.DownloadAsync(ticket.ObjectId(), Guid.NewGuid().ToString(), Agent), HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND", "Attachment not found");
        // Only through the ticket the comment is on.
        var other = await Api.CreateTicketAsync();
        await AssertError(await Api.DownloadAsync(other.ObjectId(), shared, Agent), HttpStatusCode.NotFound, "ATTACHMENT_NOT_FOUND", "Attachment not found");
    }

    [Fact]
    public async Task Pages_are_oldest_first_and_the_cursor_only_opens_the_listing_it_came_from()
    {
        var ticket = await Api.CreateTicketAsync();
        var other = await Api.CreateTicketAsync();
        var added = new List<(string CreatedAt, string Id)>();
        for (var i = 0; i < 5; i++)
        {
            var comment = await CommentOf(await Api.CommentAsync(ticket.ObjectId(), CommentBody($"<p>Reply {i}</p>"), Agent));
            added.Add((comment.GetProperty("created_at").GetString()!, comment.GetProperty("id").GetString()!));
        }
        // Oldest first; comments of the same millisecond in id order.
        var ids = added.OrderBy(c => c.CreatedAt, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal).Select(c => c.Id).ToList();

        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await (await Api.CommentsAsync(ticket.ObjectId(), Agent, "?limit=2" + (after is null ? "" : "&after=" + after))).JsonAsync();
            Assert.True(page.GetProperty("comments").GetArrayLength() <= 2);
            seen.AddRange(page.GetProperty("comments").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
            after = page.GetProperty("nextAfter").GetString();
            if (after is not null)
            {
                // The cursor is bound to this ticket and this visibility: another ticket's listing, or a requester's, refuses it.
                var elsewhere = await Api.CommentsAsync(other.ObjectId(), Agent, "?after=" + after);
                Assert.Equal(["Query parameter after must be the nextAfter of a previous page of this ticket's comments"], (await elsewhere.JsonAsync()).Reasons("after"));
                Assert.Equal(HttpStatusCode.BadRequest, (await Api.CommentsAsync(ticket.ObjectId(), Requester, "?after=" + after)).StatusCode);
            }
        } while (after is not null);
        Assert.Equal(ids, seen);
        Assert.Equal(["Query parameter limit must be a whole number from 1 to 100"], (await (await Api.CommentsAsync(ticket.ObjectId(), Agent, "?limit=0")).JsonAsync()).Reasons("limit"));
    }

    [Fact]
    public async Task Comments_follow_the_ticket_access_rules_and_bodies_are_checked()
    {
        var ticket = await Api.CreateTicketAsync();
        // Another tenant's caller, a missing ticket, and a caller without the ticket's team.
        Assert.Equal(TicketNotFoundBody, await (await Api.CommentAsync("CTC-999999", CommentBody("x"), Agent)).Content.ReadAsStringAsync());
        var noTeam = await Api.CommentAsync(ticket.ObjectId(), CommentBody("x"), Api.Token(teams: "facilities"));
        Assert.Equal(HttpStatusCode.Forbidden, noTeam.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.CommentsAsync(ticket.ObjectId(), Api.Token(teams: "facilities"))).StatusCode);
        var readOnly = await Api.CommentAsync(ticket.ObjectId(), CommentBody("x"), Api.Token(scope: "tickets:read"));
        await AssertError(readOnly, HttpStatusCode.Unauthorized, "USER_PERMISSION_FAILURE", "You do not have the required permissions to comment on ticket");

        async Task<string[]> Reasons(string body, string key) => (await (await Api.CommentAsync(ticket.ObjectId(), body, Agent)).JsonAsync()).Reasons(key);
        Assert.Equal(["Field body is required and must be a string"], await Reasons("{}", "body"));
        Assert.Equal(["Field body must not be empty (after removing markup that is not allowed)"], await Reasons(CommentBody("<script>x</script>"), "body"));
        Assert.Equal(["Field visibility must be one of: public, internal"], await Reasons(CommentBody("x", "secret"), "visibility"));
        Assert.Equal(["Field colour is not part of a comment; allowed: body, visibility, attachments"], await Reasons("{\"body\":\"x\",\"colour\":1}", "colour"));
        Assert.Equal(["Field attachments must hold upload ids (UUIDs)"], await Reasons("{\"body\":\"x\",\"attachments\":[\"nope\"]}", "attachments"));
        var stranger = Guid.NewGuid().ToString();
        Assert.Equal([$"Attachment {stranger} is not an upload of yours waiting to be linked"], await Reasons(CommentBody("x", null, stranger), "attachments"));
        Assert.Equal(0, (await ReadAsync(ticket.ObjectId())).GetProperty("comment_count").GetInt32());
    }

    [Fact]
    public async Task An_upload_is_linked_to_the_comment_as_on_create()
    {
        var ticket = await Api.CreateTicketAsync();
        var upload = await Api.UploadIdAsync(token: Requester);
        var comment = await CommentOf(await Api.CommentAsync(ticket.ObjectId(), CommentBody("<p>Photo attached</p>", null, upload), Requester));
        var attachment = Assert.Single(comment.GetProperty("attachments").EnumerateArray());
        Assert.Equal(upload, attachment.GetProperty("id").GetString());
        // Linked now: it can't be linked a second time, to this ticket's comment or anywhere else.
        var again = await Api.CommentAsync(ticket.ObjectId(), CommentBody("again", null, upload), Requester);
        Assert.Equal([$"Attachment {upload} is not an upload of yours waiting to be linked"], (await again.JsonAsync()).Reasons("attachments"));
    }

    [Fact]
    public async Task Mentioning_a_known_agent_adds_them_to_toWatchers_without_changing_the_etag_and_a_pending_update_keeps_them()
    {
        var ticket = await Api.CreateTicketAsync();
        var response = await Api.CommentAsync(ticket.ObjectId(), CommentBody("<p>@agent.jones can you look? (@nobody, pat@example.com)</p>", "internal"), Agent);
        var comment = await CommentOf(response);
        Assert.Equal(["agent.jones"], comment.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));

        var read = await ReadAsync(ticket.ObjectId());
        Assert.Equal(ticket.Etag(), read.Etag());
        Assert.Contains("jones@example.com", read.GetProperty("data").GetProperty("toWatchers").EnumerateArray().Select(a => a.GetString()));

        var update = await Api.PatchAsync(ticket.ObjectId(), Patch(ticket.Etag(), "\"summary\":\"Laptop + dock\""), Agent);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Contains("jones@example.com", (await update.JsonAsync()).GetProperty("ticket").GetProperty("data").GetProperty("toWatchers").EnumerateArray().Select(a => a.GetString()));
    }
}
