using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Storage;

public sealed class CosmosJsonSerializerTests
{
    private static readonly CosmosJsonSerializer Serializer = new();

    [Fact]
    public void A_ticket_round_trips_with_its_contract_names_and_json_values()
    {
        var ticket = TicketStoreContract.NewTicket(Guid.NewGuid().ToString(), "CTC-0042", serial: 42) with
        {
            Data = new JsonObject
            {
                ["offerId"] = "23629",
                ["ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53"] = "<p>html & \"quotes\" \u00e9</p>",
                ["number"] = 12.5m,
                ["flag"] = true,
                ["nothing"] = null,
                ["many"] = new JsonArray("email", "vpn"),
                ["lastUpdatedBy"] = new JsonObject { ["firstName"] = "Jane", ["lastName"] = "Doe" },
            },
            Attachments = new JsonObject { ["files"] = new JsonArray() },
            TicketRelation = null,
        };

        using var stream = Serializer.ToStream(ticket);
        var json = JsonNode.Parse(new StreamReader(stream).ReadToEnd())!.AsObject();
        stream.Position = 0;
        var back = Serializer.FromStream<Ticket>(stream);

        Assert.Equal(ticket.TenantId, (string?)json["tenant_id"]);
        Assert.Equal("CTC-0042", (string?)json["object_id"]);
        Assert.Equal(42, (long)json["id_serial"]!);
        Assert.True(json.ContainsKey("ticket_relation"));
        Assert.True(json.ContainsKey("moved_to"));
        Assert.False(json.ContainsKey("Revision"));
        Assert.True(JsonNode.DeepEquals(ticket.Data, back.Data));
        Assert.True(JsonNode.DeepEquals(ticket.Attachments, back.Attachments));
        Assert.Equal(ticket.LookupProps, back.LookupProps);
        Assert.Equal((ticket.Id, ticket.Etag, ticket.Summary, ticket.IdSerial, ticket.DeletedSeq, ticket.Version, ticket.IsSupportRequest),
            (back.Id, back.Etag, back.Summary, back.IdSerial, back.DeletedSeq, back.Version, back.IsSupportRequest));
    }

    [Fact]
    public void Raw_streams_pass_through_untouched()
    {
        var stream = new MemoryStream("{\"a\":1}"u8.ToArray());
        Assert.Same(stream, Serializer.FromStream<Stream>(stream));
    }

    [Fact]
    public async Task The_sample_catalog_round_trips_including_default_values()
    {
        var file = await CatalogFileReader.ReadAsync(CatalogFileReader.SampleCatalogPath, default);
        foreach (var catalog in file.Tenants)
        {
            using var stream = Serializer.ToStream(catalog);
            var back = Serializer.FromStream<TenantCatalog>(stream);
            Assert.Equal(JsonSerializer.Serialize(catalog), JsonSerializer.Serialize(back));
        }
    }
}
