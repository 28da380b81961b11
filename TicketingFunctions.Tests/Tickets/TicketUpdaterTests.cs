using System.Text.Json.Nodes;
using TicketingFunctions.Auth;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Tickets;

public sealed class TicketUpdaterTests
{
    private static readonly DateTimeOffset Now = new(2025, 7, 11, 8, 0, 0, 5, TimeSpan.Zero);
    private static readonly Caller Editor = new("t", "demo", "editor", "editor@example.com", "Ed", "Itor",
        new HashSet<string>(), new HashSet<string>(), new HashSet<string>());

    private static Ticket Current() => TicketStoreContract.NewTicket("t", "CTC-0001") with
    {
        Summary = "Old",
        Version = 3,
        Data = new JsonObject { ["offerId"] = "1", ["a"] = "x", ["b"] = new JsonArray("p"), ["n"] = null, ["lastUpdatedBy"] = new JsonObject { ["username"] = "someone" } },
        History = [TicketStoreContract.Entry(3, TicketHistory.Updated)],
    };

    private static TicketUpdate Update(string? summary = null, params (string Key, JsonNode? Value)[] fields) =>
        new("etag", summary, [.. fields.Select(f => new KeyValuePair<string, JsonNode?>(f.Key, f.Value))]);

    [Fact]
    public void A_revision_has_a_new_etag_the_next_version_the_time_the_editor_and_one_more_entry()
    {
        var current = Current();

        var revision = TicketUpdater.Apply(current, Update("New", ("a", "y")), Editor, Now)!;

        var ticket = revision.Ticket;
        Assert.NotEqual(current.Etag, ticket.Etag);
        Assert.True(Guid.TryParse(ticket.Etag, out _));
        Assert.Equal(4, ticket.Version);
        Assert.Equal("2025-07-11T08:00:00.005Z", ticket.UpdatedAt);
        Assert.Equal(current.CreatedAt, ticket.CreatedAt);
        Assert.Equal("New", ticket.Summary);
        Assert.Equal("y", (string?)ticket.Data["a"]);
        Assert.Equal("""{"lastName":"Itor","username":"editor","firstName":"Ed"}""", ticket.Data["lastUpdatedBy"]!.ToJsonString());
        Assert.Equal([3, 4], ticket.History.Select(e => e.Version));
        Assert.Same(revision.Entry, ticket.History[^1]);
        Assert.Equal(("editor", "updated", "2025-07-11T08:00:00.005Z"), (revision.Entry.Username, revision.Entry.Action, revision.Entry.Timestamp));
    }

    [Fact]
    public void The_entry_lists_only_changed_keys_with_old_and_new_values()
    {
        var revision = TicketUpdater.Apply(Current(), Update("Old", ("a", "x"), ("b", new JsonArray("p", "q")), ("c", 5), ("n", null)), Editor, Now)!;

        var changes = revision.Entry.Changes;
        Assert.Equal(["b", "c"], changes.Keys);
        Assert.Equal("[\"p\"]", changes["b"].Old!.Value.GetRawText());
        Assert.Equal("[\"p\",\"q\"]", changes["b"].New!.Value.GetRawText());
        Assert.Null(changes["c"].Old);
        Assert.Equal("5", changes["c"].New!.Value.GetRawText());
    }

    [Fact]
    public void Clearing_removes_the_key_and_records_its_old_value()
    {
        var revision = TicketUpdater.Apply(Current(), Update(null, ("a", null)), Editor, Now)!;

        Assert.False(revision.Ticket.Data.ContainsKey("a"));
        Assert.Equal("\"x\"", revision.Entry.Changes["a"].Old!.Value.GetRawText());
        Assert.Null(revision.Entry.Changes["a"].New);
    }

    [Fact]
    public void An_update_that_changes_nothing_is_no_revision()
    {
        Assert.Null(TicketUpdater.Apply(Current(), Update("Old", ("a", "x"), ("n", null), ("missing", null)), Editor, Now));
        Assert.Null(TicketUpdater.Apply(Current(), Update(), Editor, Now));
    }

    [Fact]
    public void The_current_ticket_is_left_as_it_was()
    {
        var current = Current();
        var before = current.Data.ToJsonString();

        TicketUpdater.Apply(current, Update("New", ("a", "y"), ("b", null)), Editor, Now);

        Assert.Equal(before, current.Data.ToJsonString());
        Assert.Equal("Old", current.Summary);
        Assert.Single(current.History);
    }
}
