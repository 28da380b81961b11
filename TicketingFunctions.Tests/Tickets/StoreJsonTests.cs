using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Api;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Tickets;

/// <summary>The history is stored in the ticket document but never answered: store JSON and API JSON differ on purpose.</summary>
public sealed class StoreJsonTests
{
    private static Ticket TicketWithHistory() => TicketStoreContract.NewTicket("t", "CTC-0001") with
    {
        History = [TicketStoreContract.Entry(1, TicketHistory.Created, ("summary", null, "\"Contract test\""), ("f", null, "[\"a\"]"))],
    };

    [Fact]
    public void The_store_serializer_writes_the_history_as_change_history()
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(TicketWithHistory(), StoreJson.Options))!.AsObject();

        var entry = json["change_history"]!.AsArray().Single()!.AsObject();
        Assert.Equal(1, (int)entry["version"]!);
        Assert.Equal("created", (string?)entry["action"]);
        Assert.Equal("user@example.com", (string?)entry["username"]);
        Assert.Null(entry["changes"]!["summary"]!["old"]);
        Assert.Equal("Contract test", (string?)entry["changes"]!["summary"]!["new"]);
        Assert.Equal("CTC-0001", (string?)json["object_id"]);
        Assert.False(json.ContainsKey("History"));
    }

    [Fact]
    public void The_api_serializer_never_writes_the_history()
    {
        var ticket = TicketWithHistory();
        var alone = JsonNode.Parse(JsonSerializer.Serialize(ticket, ApiJsonContext.Default.Ticket))!.AsObject();
        var inResponse = JsonNode.Parse(JsonSerializer.Serialize(new CreateTicketResponse(ticket.ObjectId, ticket), ApiJsonContext.Default.CreateTicketResponse))!;

        Assert.False(alone.ContainsKey("change_history"));
        Assert.False(alone.ContainsKey("History"));
        Assert.False(alone.ContainsKey("history"));
        Assert.False(inResponse["ticket"]!.AsObject().ContainsKey("change_history"));
        Assert.DoesNotContain("\"changes\"", inResponse.ToJsonString());
    }

    [Fact]
    public void A_stored_ticket_reads_back_with_its_history()
    {
        var ticket = TicketWithHistory();
        var read = JsonSerializer.Deserialize<Ticket>(JsonSerializer.Serialize(ticket, StoreJson.Options), StoreJson.Options)!;

        var entry = Assert.Single(read.History);
        Assert.Equal(TicketHistory.Created, entry.Action);
        Assert.Null(entry.Changes["summary"].Old);
        Assert.Equal("[\"a\"]", entry.Changes["f"].New!.Value.GetRawText());
        Assert.Equal(ticket.ObjectId, read.ObjectId);
    }

    [Fact]
    public void A_document_without_history_reads_as_an_empty_history()
    {
        var json = JsonSerializer.Serialize(TicketStoreContract.NewTicket("t", "CTC-0001"), ApiJsonContext.Default.Ticket);
        Assert.Empty(JsonSerializer.Deserialize<Ticket>(json, StoreJson.Options)!.History);
    }

    [Fact]
    public void Options_built_from_other_options_keep_them_and_add_the_history()
    {
        var options = StoreJson.Create(new JsonSerializerOptions { WriteIndented = true });
        var json = JsonSerializer.Serialize(TicketWithHistory(), options);
        Assert.Contains("\n", json);
        Assert.Contains("\"change_history\"", json);
    }
}
