using System.Text.Json.Nodes;
using TicketingFunctions.Auth;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Tickets;

public sealed class TicketHistoryTests
{
    private static TicketHistoryEntry Entry(int version, string value = "v") => TicketStoreContract.Entry(version, TicketHistory.Updated, ("k", null, $"\"{value}\""));

    [Fact]
    public void The_creation_entry_has_the_summary_and_every_set_value_but_no_system_keys()
    {
        var caller = new Caller("t", "demo", "creator", null, null, null, new HashSet<string>(), new HashSet<string>(), new HashSet<string>());
        var ticket = TicketStoreContract.NewTicket("t", "CTC-0001") with
        {
            Data = new JsonObject
            {
                ["f1"] = "a", ["offerId"] = "23629", ["empty"] = null, ["ccWatchers"] = new JsonArray(), ["toWatchers"] = new JsonArray(),
                ["submittedBy"] = "x", ["lastUpdatedBy"] = new JsonObject(),
            },
        };

        var entry = TicketHistory.Creation(ticket, caller);

        Assert.Equal((1, "created", "creator", ticket.CreatedAt), (entry.Version, entry.Action, entry.Username, entry.Timestamp));
        Assert.Equal(["summary", "f1", "offerId"], entry.Changes.Keys);
        Assert.All(entry.Changes.Values, c => Assert.Null(c.Old));
        Assert.Equal("\"Contract test\"", entry.Changes["summary"].New!.Value.GetRawText());
    }

    [Fact]
    public void Merge_puts_archived_entries_older_than_the_embedded_ones_first_each_version_once()
    {
        var merged = TicketHistory.Merge([Entry(1, "a"), Entry(2, "a"), Entry(3, "a")], [Entry(3, "e"), Entry(4, "e")]);

        Assert.Equal([1, 2, 3, 4], merged.Select(e => e.Version));
        Assert.Equal("\"e\"", merged[2].Changes["k"].New!.Value.GetRawText());
        Assert.Equal([1, 2], TicketHistory.Merge([Entry(2), Entry(1)], []).Select(e => e.Version));
    }

    [Fact]
    public void Only_a_history_without_its_creation_may_have_an_archive()
    {
        Assert.False(TicketHistory.MayHaveArchive([Entry(1), Entry(2)]));
        Assert.True(TicketHistory.MayHaveArchive([Entry(26), Entry(27)]));
        Assert.True(TicketHistory.MayHaveArchive([]));
    }
}

public sealed class HistoryCompactionTests
{
    private static TicketHistoryEntry[] Entries(int count, int valueLength = 1) =>
        [.. Enumerable.Range(1, count).Select(v => TicketStoreContract.Entry(v, TicketHistory.Updated, ("k", null, $"\"{new string('x', valueLength)}\"")))];

    [Fact]
    public void Within_both_limits_nothing_moves()
    {
        var history = Entries(50);
        var split = HistoryCompaction.Compact(history, new TicketHistoryOptions());
        Assert.Empty(split.Archive);
        Assert.Same(history, split.Keep);
    }

    [Fact]
    public void One_past_the_entry_cap_moves_the_oldest_down_to_half_the_cap_in_one_batch()
    {
        var split = HistoryCompaction.Compact(Entries(51), new TicketHistoryOptions());
        Assert.Equal(Enumerable.Range(1, 26), split.Archive.Select(e => e.Version));
        Assert.Equal(Enumerable.Range(27, 25), split.Keep.Select(e => e.Version));
    }

    [Fact]
    public void Past_the_size_limit_entries_move_until_half_the_size_is_left()
    {
        // Ten entries of about 1,100 characters each against a limit of 4,000.
        var split = HistoryCompaction.Compact(Entries(10, 1000), new TicketHistoryOptions { MaxEmbeddedBytes = 4000 });
        Assert.Equal(Enumerable.Range(1, 9), split.Archive.Select(e => e.Version));
        Assert.Equal([10], split.Keep.Select(e => e.Version));
        Assert.True(split.Keep.Sum(HistoryCompaction.EstimateSize) <= 2000);
    }

    [Fact]
    public void The_newest_entry_stays_even_when_it_alone_is_over_the_size_limit()
    {
        var split = HistoryCompaction.Compact(Entries(3, 5000), new TicketHistoryOptions { MaxEmbeddedBytes = 1000 });
        Assert.Equal([3], split.Keep.Select(e => e.Version));
        Assert.Equal([1, 2], split.Archive.Select(e => e.Version));
    }

    [Fact]
    public void A_cap_of_one_keeps_the_newest_entry()
    {
        var split = HistoryCompaction.Compact(Entries(2), new TicketHistoryOptions { MaxEmbeddedEntries = 1 });
        Assert.Equal([2], split.Keep.Select(e => e.Version));
    }
}
