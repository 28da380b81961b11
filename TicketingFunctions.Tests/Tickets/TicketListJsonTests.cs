using System.Text.Json;
using System.Text.Json.Serialization;
using TicketingFunctions.Api;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tickets;

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

    /// <summary>
    /// Tickets and catalogs have JSON contexts of their own beside them (so the stores need nothing from Api), with
    /// ApiJsonContext's options written again in their attributes: they must stay the same, or stored and answered
    /// JSON would differ.
    /// </summary>
    [Fact]
    public async Task The_tickets_and_catalogs_contexts_have_the_apis_options_and_write_the_same_bytes()
    {
        foreach (var options in new[] { TicketJsonContext.Default.Options, TicketingFunctions.Catalog.CatalogJsonContext.Default.Options })
        {
            var api = ApiJsonContext.Default.Options;
            Assert.Equal(
                (api.DefaultIgnoreCondition, api.PropertyNameCaseInsensitive, api.ReadCommentHandling, api.AllowTrailingCommas, api.PropertyNamingPolicy, api.NumberHandling),
                (options.DefaultIgnoreCondition, options.PropertyNameCaseInsensitive, options.ReadCommentHandling, options.AllowTrailingCommas, options.PropertyNamingPolicy, options.NumberHandling));
        }
        Assert.Same(ApiJsonContext.ResponseEncoder, TicketJsonContext.Encoder);

        var ticket = TicketListApi.NewTicket(TestApi.Tenant, "CTC-0001", "james", "16910");
        Assert.Equal(JsonSerializer.Serialize(ticket, ApiJsonContext.Default.Ticket), JsonSerializer.Serialize(ticket, TicketJsonContext.Default.Ticket));
        var catalog = await TicketingFunctions.Catalog.CatalogFileReader.ReadAsync(TicketingFunctions.Catalog.CatalogFileReader.SampleCatalogPath, default);
        Assert.Equal(JsonSerializer.Serialize(catalog, ApiJsonContext.Default.CatalogFile),
            JsonSerializer.Serialize(catalog, TicketingFunctions.Catalog.CatalogJsonContext.Default.CatalogFile));
    }
}
