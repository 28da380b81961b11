using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Storage;

public sealed class EmbeddedCommentStoreTests : CommentStoreContract
{
    protected override Task<(ITicketStore, ICommentStore)> CreateStoresAsync()
    {
        var store = TestDataFolders.NewStore();
        return Task.FromResult<(ITicketStore, ICommentStore)>((store, (ICommentStore)store));
    }
}

[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosCommentStoreTests(CosmosEmulatorFixture emulator) : CommentStoreContract
{
    protected override Task<(ITicketStore, ICommentStore)> CreateStoresAsync() =>
        Task.FromResult<(ITicketStore, ICommentStore)>((emulator.SharedStore, (ICommentStore)emulator.SharedStore));
}

/// <summary>The behaviour every <see cref="ICommentStore"/> must have, with the ticket store it shares its partitions with.</summary>
public abstract class CommentStoreContract
{
    protected abstract Task<(ITicketStore Tickets, ICommentStore Comments)> CreateStoresAsync();

    internal static TicketComment NewComment(Ticket ticket, string createdAt, string visibility = CommentVisibility.Public, string? id = null) => new()
    {
        Id = id ?? Guid.NewGuid().ToString(),
        TenantId = ticket.TenantId,
        TicketId = ticket.Id,
        Etag = Guid.NewGuid().ToString(),
        Body = "<p>hi</p>",
        Visibility = visibility,
        Author = new CommentAuthor("agent.one", "key", true),
        CreatedAt = createdAt,
    };

    private static async Task<(ITicketStore, ICommentStore, Ticket)> WithTicketAsync(CommentStoreContract contract)
    {
        var (tickets, comments) = await contract.CreateStoresAsync();
        var ticket = TicketStoreContract.NewTicket(Guid.NewGuid().ToString(), "CTC-0001");
        await tickets.CreateTicketAsync(ticket, default);
        return (tickets, comments, (await tickets.GetTicketAsync(ticket.TenantId, ticket.ObjectId, default))!);
    }

    [Fact]
    public async Task A_comment_reads_back_and_its_ticket_values_change_without_its_etag_or_version()
    {
        var (tickets, comments, ticket) = await WithTicketAsync(this);
        var comment = NewComment(ticket, "2025-07-10T13:00:00.000Z") with { Mentions = ["agent.two"] };

        var after = await comments.AddCommentAsync(ticket, comment, t => TicketConversation.AfterComment(t, comment), default);

        Assert.Equal(1, after.CommentCount);
        var read = (await tickets.GetTicketAsync(ticket.TenantId, ticket.ObjectId, default))!;
        Assert.Equal(ticket.Etag, read.Etag);
        Assert.Equal(ticket.Version, read.Version);
        Assert.Equal(ticket.UpdatedAt, read.UpdatedAt);
        Assert.Equal(1, read.CommentCount);
        Assert.Equal("2025-07-10T13:00:00.000Z", read.LastCommentAt);
        var stored = (await comments.GetCommentAsync(ticket.TenantId, comment.Id, default))!;
        Assert.Equal(comment.Body, stored.Body);
        Assert.Equal(["agent.two"], stored.Mentions);
        Assert.Null(await comments.GetCommentAsync(Guid.NewGuid().ToString(), comment.Id, default));
    }

    [Fact]
    public async Task The_comment_linking_an_upload_is_found_among_the_tickets_asked_for_only()
    {
        var (_, comments, ticket) = await WithTicketAsync(this);
        var upload = Guid.NewGuid().ToString();
        var metadata = new System.Text.Json.Nodes.JsonObject { ["id"] = upload, ["filename"] = "a.txt", ["contentType"] = "text/plain", ["size"] = 5 };
        var comment = NewComment(ticket, "2025-07-10T13:00:00.000Z", CommentVisibility.Internal) with { Attachments = [metadata] };
        await comments.AddCommentAsync(ticket, comment, t => TicketConversation.AfterComment(t, comment), default);
        await comments.AddCommentAsync(ticket, NewComment(ticket, "2025-07-10T13:01:00.000Z"), _ => null, default);

        var found = await comments.FindCommentLinkingAsync(ticket.TenantId, ["predecessor", ticket.Id], upload, default);
        Assert.Equal((comment.Id, CommentVisibility.Internal), (found?.Id, found?.Visibility));
        Assert.Null(await comments.FindCommentLinkingAsync(ticket.TenantId, [Guid.NewGuid().ToString()], upload, default));
        Assert.Null(await comments.FindCommentLinkingAsync(ticket.TenantId, [ticket.Id], Guid.NewGuid().ToString(), default));
        Assert.Null(await comments.FindCommentLinkingAsync(Guid.NewGuid().ToString(), [ticket.Id], upload, default));
    }

    [Fact]
    public async Task A_ticket_replace_from_before_a_comment_keeps_the_values_the_comment_wrote()
    {
        var (tickets, comments, ticket) = await WithTicketAsync(this);
        var comment = NewComment(ticket, "2025-07-10T13:00:00.000Z");
        await comments.AddCommentAsync(ticket, comment, t => TicketConversation.AfterComment(t, comment), default);

        // A revision built from the ticket as read before the comment, with the etag read then.
        await tickets.ReplaceTicketAsync(ticket with { Summary = "Changed", Etag = Guid.NewGuid().ToString(), Version = 2 }, ticket.Etag, default);

        var read = (await tickets.GetTicketAsync(ticket.TenantId, ticket.ObjectId, default))!;
        Assert.Equal("Changed", read.Summary);
        Assert.Equal(1, read.CommentCount);
        Assert.Equal("2025-07-10T13:00:00.000Z", read.LastCommentAt);
        // A stale API etag is still refused.
        await Assert.ThrowsAsync<EtagMismatchException>(() => tickets.ReplaceTicketAsync(ticket with { Summary = "Again" }, ticket.Etag, default));
    }

    [Fact]
    public async Task Concurrent_comments_each_count()
    {
        var (tickets, comments, ticket) = await WithTicketAsync(this);
        var added = Enumerable.Range(0, 8).Select(i => NewComment(ticket, $"2025-07-10T13:00:0{i}.000Z")).ToList();
        await Task.WhenAll(added.Select(c => comments.AddCommentAsync(ticket, c, t => TicketConversation.AfterComment(t, c), default)));
        var read = (await tickets.GetTicketAsync(ticket.TenantId, ticket.ObjectId, default))!;
        Assert.Equal(8, read.CommentCount);
        Assert.Equal("2025-07-10T13:00:07.000Z", read.LastCommentAt);
    }

    [Fact]
    public async Task Pages_run_oldest_first_over_the_ticket_and_its_predecessors_with_public_only_on_request()
    {
        var (tickets, comments, ticket) = await WithTicketAsync(this);
        var predecessor = TicketStoreContract.NewTicket(ticket.TenantId, "CTC-0002") ;
        await tickets.CreateTicketAsync(predecessor, default);
        predecessor = (await tickets.GetTicketAsync(ticket.TenantId, "CTC-0002", default))!;
        var unrelated = TicketStoreContract.NewTicket(ticket.TenantId, "CTC-0003");
        await tickets.CreateTicketAsync(unrelated, default);
        unrelated = (await tickets.GetTicketAsync(ticket.TenantId, "CTC-0003", default))!;

        var old = NewComment(predecessor, "2025-07-10T12:00:00.000Z");
        var note = NewComment(ticket, "2025-07-10T13:00:00.000Z", CommentVisibility.Internal);
        // Two at the same instant: the id breaks the tie.
        var tieA = NewComment(ticket, "2025-07-10T14:00:00.000Z", id: "00000000-0000-4000-8000-00000000000a");
        var tieB = NewComment(ticket, "2025-07-10T14:00:00.000Z", id: "00000000-0000-4000-8000-00000000000b");
        var elsewhere = NewComment(unrelated, "2025-07-10T12:30:00.000Z");
        foreach (var (t, c) in new[] { (predecessor, old), (ticket, tieB), (ticket, note), (ticket, tieA), (unrelated, elsewhere) })
            await comments.AddCommentAsync(t, c, x => TicketConversation.AfterComment(x, c), default);

        var ids = new[] { ticket.Id, predecessor.Id };
        var seen = new List<string>();
        CommentPosition? after = null;
        do
        {
            var page = await comments.ListCommentsAsync(ticket.TenantId, ids, publicOnly: false, after, 2, default);
            Assert.True(page.Comments.Count <= 2);
            seen.AddRange(page.Comments.Select(c => c.Id));
            after = page.Next;
        } while (after is not null);
        Assert.Equal([old.Id, note.Id, tieA.Id, tieB.Id], seen);

        var publicPage = await comments.ListCommentsAsync(ticket.TenantId, ids, publicOnly: true, null, 10, default);
        Assert.Equal([old.Id, tieA.Id, tieB.Id], publicPage.Comments.Select(c => c.Id));
        Assert.Null(publicPage.Next);
        Assert.Empty((await comments.ListCommentsAsync(Guid.NewGuid().ToString(), ids, false, null, 10, default)).Comments);
    }

    [Fact]
    public async Task A_comment_is_replaced_only_on_its_current_etag()
    {
        var (_, comments, ticket) = await WithTicketAsync(this);
        var comment = NewComment(ticket, "2025-07-10T13:00:00.000Z");
        await comments.AddCommentAsync(ticket, comment, _ => null, default);

        var edited = comment with { Body = "<p>fixed</p>", Etag = Guid.NewGuid().ToString(), Revisions = [new CommentRevision(comment.Body, "2025-07-10T13:05:00.000Z")] };
        await comments.ReplaceCommentAsync(edited, comment.Etag, default);
        await Assert.ThrowsAsync<EtagMismatchException>(() => comments.ReplaceCommentAsync(comment with { Body = "late" }, comment.Etag, default));

        var read = (await comments.GetCommentAsync(ticket.TenantId, comment.Id, default))!;
        Assert.Equal("<p>fixed</p>", read.Body);
        Assert.Equal(comment.Body, Assert.Single(read.Revisions).Body);
        Assert.Equal(read.Id, Assert.Single((await comments.ListCommentsAsync(ticket.TenantId, [ticket.Id], false, null, 10, default)).Comments).Id);
    }
}
