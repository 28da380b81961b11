using System.Net;
using System.Text.Json;
using static TicketingFunctions.Tests.Http.AttachmentApi;
using static TicketingFunctions.Tests.Http.CommentApi;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

/// <summary>Issue 22: the history shows comments (added, corrected, redacted) between the writes, paged across both kinds, on both stores.</summary>
public abstract partial class TicketLifecycleHistoryTests
{
    private string CommentingAgent => Api.Token(roles: "ticket_agent", username: "agent.one", subject: "agent-one");

    /// <summary>Every entry, following nextAfter and nextCommentsAfter, pages of <paramref name="limit"/>.</summary>
    private async Task<List<JsonElement>> AllHistoryAsync(string objectId, string token, int limit)
    {
        var all = new List<JsonElement>();
        var query = $"?limit={limit}";
        for (var pages = 0; pages < 50; pages++)
        {
            var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, HistoryPath(objectId) + query, token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.JsonAsync();
            var entries = page.GetProperty("history").EnumerateArray().ToList();
            Assert.InRange(entries.Count, 1, limit);
            all.AddRange(entries);
            if (page.GetProperty("nextAfter").ValueKind == JsonValueKind.Null)
            {
                Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCommentsAfter").ValueKind);
                return all;
            }
            query = $"?limit={limit}&after={page.GetProperty("nextAfter").GetInt32()}";
            if (page.GetProperty("nextCommentsAfter").GetString() is { } comments) query += "&commentsAfter=" + Uri.EscapeDataString(comments);
        }
        throw new InvalidOperationException("The history did not end.");
    }

    private static string Describe(JsonElement entry) => entry.GetProperty("action").GetString() == "commented"
        ? $"commented {entry.GetProperty("comment").GetProperty("visibility").GetString()} v{entry.GetProperty("version").GetInt32()}"
        : $"{entry.GetProperty("action").GetString()} v{entry.GetProperty("version").GetInt32()}";

    [Fact]
    public async Task Comments_added_corrected_and_redacted_show_in_the_history_between_the_writes_and_never_an_internal_note_to_a_requester()
    {
        var ticket = await Api.CreateTicketAsync();
        var objectId = ticket.ObjectId();
        var v2 = await TicketOf(await Api.PatchAsync(objectId, Patch(ticket.Etag(), "\"summary\":\"Laptop + dock\""), CommentingAgent));
        var reply = (await (await Api.CommentAsync(objectId, CommentBody("<p>On its way</p>"), CommentingAgent)).JsonAsync()).GetProperty("comment");
        var note = (await (await Api.CommentAsync(objectId, CommentBody("<p>Supplier quote 900 EUR</p>", "internal"), CommentingAgent)).JsonAsync()).GetProperty("comment");
        // An update prepared before the comments still applies: they changed neither etag nor version.
        var v3 = await TicketOf(await Api.PatchAsync(objectId, Patch(v2.Etag(), "\"summary\":\"Laptop, dock and bag\""), CommentingAgent));
        Assert.Equal(3, v3.GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await Api.EditCommentAsync(objectId, reply.GetProperty("id").GetString()!, CommentBody("<p>On its way today</p>"),
            $"\"{reply.GetProperty("etag").GetString()}\"", CommentingAgent)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.RedactCommentAsync(objectId, note.GetProperty("id").GetString()!, Api.Token(roles: "tenant_admin", username: "admin.one"))).StatusCode);
        var last = (await (await Api.CommentAsync(objectId, CommentBody("<p>Thanks</p>"), Api.Token())).JsonAsync()).GetProperty("comment");
        Assert.Equal((v3.Etag(), 3), ((await TicketOf(await Api.GetTicketAsync(objectId))).Etag(), (await TicketOf(await Api.GetTicketAsync(objectId))).GetProperty("version").GetInt32()));

        // Pages of two cross both kinds of entries without a gap or a repeat.
        var forAgent = await AllHistoryAsync(objectId, CommentingAgent, limit: 2);
        Assert.Equal(["created v1", "updated v2", "commented public v2", "commented internal v2", "updated v3", "commented public v3"], forAgent.Select(Describe));
        var corrected = forAgent[2];
        Assert.Equal(("agent.one", reply.GetProperty("created_at").GetString(), reply.GetProperty("id").GetString()),
            (corrected.GetProperty("username").GetString(), corrected.GetProperty("timestamp").GetString(), corrected.GetProperty("comment").GetProperty("id").GetString()));
        Assert.Single(corrected.GetProperty("comment").GetProperty("edited_at").EnumerateArray());
        Assert.Equal("admin.one", forAgent[3].GetProperty("comment").GetProperty("redacted").GetProperty("by").GetString());
        Assert.Equal(last.GetProperty("author").GetProperty("username").GetString(), forAgent[5].GetProperty("username").GetString());
        // Never the text, not even the current one.
        Assert.All(forAgent, e => Assert.DoesNotContain("way", e.GetRawText(), StringComparison.Ordinal));

        foreach (var limit in new[] { 1, 3, 50 })
        {
            var forRequester = await AllHistoryAsync(objectId, Api.Token(), limit);
            Assert.Equal(["created v1", "updated v2", "commented public v2", "updated v3", "commented public v3"], forRequester.Select(Describe));
            Assert.All(forRequester, e => Assert.DoesNotContain(note.GetProperty("id").GetString()!, e.GetRawText(), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_comments_cursor_opens_only_the_history_and_the_visibility_it_came_from()
    {
        var ticket = await Api.CreateTicketAsync();
        await Api.CommentAsync(ticket.ObjectId(), CommentBody("<p>First</p>"), CommentingAgent);
        await Api.CommentAsync(ticket.ObjectId(), CommentBody("<p>Second</p>"), CommentingAgent);
        var page = await (await Api.Client.SendAsync(Api.Request(HttpMethod.Get, HistoryPath(ticket.ObjectId()) + "?limit=2", CommentingAgent))).JsonAsync();
        var cursor = page.GetProperty("nextCommentsAfter").GetString()!;
        var other = await Api.CreateTicketAsync();

        // The third case changes one character of the cursor. (Said by a flag: CommentingAgent mints a new token on each
        // read, so comparing tokens would fail whenever a second passed between two mints.)
        foreach (var (objectId, token, tampered) in new[] { (ticket.ObjectId(), Api.Token(), false), (other.ObjectId(), CommentingAgent, false), (ticket.ObjectId(), CommentingAgent, true) })
        {
            var sent = tampered ? cursor[..^2] + (cursor[^2] == 'A' ? "B" : "A") + cursor[^1] : cursor;
            var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Get, HistoryPath(objectId) + "?after=1&commentsAfter=" + Uri.EscapeDataString(sent), token));
            await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
            Assert.Equal(["Query parameter commentsAfter must be the nextCommentsAfter of a previous page of this ticket's history"], (await response.JsonAsync()).Reasons("commentsAfter"));
        }
        var next = await (await Api.Client.SendAsync(Api.Request(HttpMethod.Get,
            HistoryPath(ticket.ObjectId()) + "?limit=2&after=1&commentsAfter=" + Uri.EscapeDataString(cursor), CommentingAgent))).JsonAsync();
        Assert.Equal(["commented public v1"], next.GetProperty("history").EnumerateArray().Select(Describe));
    }
}
