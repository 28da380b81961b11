using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Storage;

/// <summary>
/// Both stores serialize with <see cref="StoreJson.Options"/>. Its metadata must come from source-generated contexts
/// only: a reflection-built serializer would cost start-up time and per-type reflection on the request path.
/// </summary>
public sealed class StoreJsonSourceGenerationTests
{
    /// <summary>Every type a store hands to System.Text.Json (documents, query results, patch and query values).</summary>
    public static TheoryData<string> StoredTypes() => new()
    {
        typeof(Ticket).AssemblyQualifiedName!,
        typeof(TenantCatalog).AssemblyQualifiedName!,
        typeof(IdempotencyRecord).AssemblyQualifiedName!,
        typeof(JsonElement).AssemblyQualifiedName!,
        typeof(JsonElement[]).AssemblyQualifiedName!,
        "TicketingFunctions.Storage.HistoryArchiveDocument[]",
        "TicketingFunctions.Storage.CatalogDocument",
        "TicketingFunctions.Storage.CounterDocument",
        "TicketingFunctions.Storage.HistoryArchiveDocument",
        typeof(string).AssemblyQualifiedName!,
        typeof(long).AssemblyQualifiedName!,
        typeof(int).AssemblyQualifiedName!,
    };

    [Theory]
    [MemberData(nameof(StoredTypes))]
    public void Every_stored_type_has_source_generated_metadata(string typeName)
    {
        var type = typeof(Ticket).Assembly.GetType(typeName) ?? Type.GetType(typeName, throwOnError: true)!;
        var info = StoreJson.Options.GetTypeInfo(type);
        Assert.IsAssignableFrom<JsonSerializerContext>(info.OriginatingResolver);
    }

    private sealed record NotAStoredDocument(string Name);

    [Fact]
    public void A_type_no_context_knows_is_refused_rather_than_served_by_reflection()
    {
        var error = Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(new NotAStoredDocument("x"), StoreJson.Options));
        Assert.Contains(nameof(NotAStoredDocument), error.Message);
    }

    [Fact]
    public void The_cosmos_serializer_writes_a_counter_patch_value_and_an_idempotency_record_without_reflection()
    {
        var serializer = new CosmosJsonSerializer();
        using (var value = serializer.ToStream(1L)) Assert.Equal("1", new StreamReader(value).ReadToEnd());

        var record = new IdempotencyRecord
        {
            Id = "idem-1", TenantId = "t", RequestHash = "h", State = IdempotencyRecord.Pending,
            CreatedAtUnixSeconds = 10, ExpiresAtUnixSeconds = 20, Ttl = 10,
        };
        using var stream = serializer.ToStream(record);
        var json = JsonNode.Parse(new StreamReader(stream).ReadToEnd())!.AsObject();
        Assert.Equal("idempotency", (string?)json["kind"]);
        Assert.False(json.ContainsKey("ticket"));   // WhenWritingNull, as the attribute says
        stream.Position = 0;
        Assert.Equal(record, serializer.FromStream<IdempotencyRecord>(stream));
    }
}
