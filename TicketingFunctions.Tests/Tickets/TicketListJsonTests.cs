using System.Text.Json;
using System.Text.Json.Serialization;
using TicketingFunctions.Api;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Tickets;

public sealed class TicketListJsonTests
{
    [Fact]
    public void Both_listing_writers_use_source_generated_metadata_and_only_one_leaves_data_out()
    {
        var ticket = TicketListApi.NewTicket(TestApi.Tenant, "CTC-0001", "james", "16910");
        var response = new TicketListResponse([ticket], null);

        Assert.IsAssignableFrom<JsonSerializerContext>(TicketListJson.WithoutData.OriginatingResolver);
        Assert.IsAssignableFrom<JsonSerializerContext>(TicketListJson.WithoutData.Options.GetTypeInfo(typeof(TicketingFunctions.Tickets.Ticket)).OriginatingResolver);
        using var without = JsonDocument.Parse(JsonSerializer.Serialize(response, TicketListJson.WithoutData));
        using var with = JsonDocument.Parse(JsonSerializer.Serialize(response, TicketListJson.WithData));

        Assert.Equal(["success", "status", "tickets", "continuationToken"], without.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.False(without.RootElement.GetProperty("tickets")[0].TryGetProperty("data", out _));
        Assert.True(with.RootElement.GetProperty("tickets")[0].TryGetProperty("data", out _));
        Assert.Equal(with.RootElement.GetProperty("tickets")[0].EnumerateObject().Count() - 1, without.RootElement.GetProperty("tickets")[0].EnumerateObject().Count());
    }

    [Fact]
    public void A_ticket_read_without_data_has_every_other_member_and_an_empty_data()
    {
        var ticket = TicketListApi.NewTicket(TestApi.Tenant, "CTC-0001", "james", "16910");
        var bytes = JsonSerializer.SerializeToUtf8Bytes(ticket, ApiJsonContext.Default.Ticket);

        var read = TicketingFunctions.Storage.TicketWithoutData.Read(bytes);

        Assert.Empty(read.Data);
        Assert.Equal(
            JsonSerializer.Serialize(ticket with { Data = [] }, ApiJsonContext.Default.Ticket),
            JsonSerializer.Serialize(read, ApiJsonContext.Default.Ticket));
        using var noData = JsonDocument.Parse(JsonSerializer.Serialize(new TicketListResponse([ticket], null), TicketListJson.WithoutData));
        Assert.Throws<JsonException>(() => TicketingFunctions.Storage.TicketWithoutData.Read(noData.RootElement.GetProperty("tickets")[0]));
    }
}
