using System.Net;
using Microsoft.Azure.Cosmos;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.Cosmos;

/// <summary>
/// What a listing sends to Cosmos DB, counted and read in the client's HTTP pipeline: one single-partition query a
/// page, with Cosmos DB's continuation token size-limited; and the emulator patch the composite indexes rely on.
/// </summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosTicketListTests(CosmosEmulatorFixture emulator)
{
    private readonly RecordingHandler _wire = new();

    private static string NewTenant() => Guid.NewGuid().ToString();

    private static TicketListQuery Listing(string tenant, int pageSize, params TicketFilter[] filters) =>
        new(tenant, filters, TicketSort.CreatedAt, Descending: true, pageSize);

    private static async Task PutAsync(ITicketStore store, string tenant, int count, string team = "james")
    {
        for (var i = 0; i < count; i++)
        {
            var number = await store.NextDisplayNumberAsync(tenant, "CTC", default);
            await store.CreateTicketAsync(TicketListApi.NewTicket(tenant, $"CTC-{number.Number:D4}", team, "16910", summary: $"Laptop {i}",
                createdAt: $"2025-07-10T12:00:{i % 60:D2}.000Z", serial: number.Serial), default);
        }
    }

    [Fact]
    public async Task Each_page_is_one_single_partition_query_whatever_its_position()
    {
        var store = emulator.NewStore(CosmosEmulatorFixture.NewDatabaseName(), _wire.Interceptor);
        var tenant = NewTenant();
        await PutAsync(store, tenant, 12);
        await PutAsync(store, NewTenant(), 5);   // another tenant's tickets, in the same container
        var query = Listing(tenant, 3, new AnyOfFilter(TicketField.TeamId, ["james", "facilities"]), new ContainsTextFilter([TicketField.Summary, TicketField.ObjectId], "LAPTOP"));
        await store.ListTicketsAsync(query, default);   // warms the client's caches (partition key ranges)

        var seen = new List<string>();
        string? position = null;
        for (var page = 0; page < 4; page++)
        {
            await store.DrainPublisherAsync();   // the event publisher's requests of the writes so far are done
            _wire.Clear();
            var result = await store.ListTicketsAsync(query with { Position = position }, default);
            seen.AddRange(result.Tickets.Select(t => t.ObjectId));
            position = result.NextPosition;

            var request = Assert.Single(_wire.Requests);
            Assert.Equal(("POST", HttpStatusCode.OK), (request.Method, request.Status));
            Assert.EndsWith("/colls/tickets/docs", request.Path);
            // Never a fan-out: the partition key is the tenant's, and the query is not allowed to cross partitions.
            Assert.Equal($"[\"{tenant}\"]", request.Header("x-ms-documentdb-partitionkey"));
            Assert.NotEqual("true", request.Header("x-ms-documentdb-query-enablecrosspartition")?.ToLowerInvariant());
            Assert.Equal(CosmosTicketStore.ContinuationTokenLimitInKb.ToString(System.Globalization.CultureInfo.InvariantCulture),
                request.Header("x-ms-documentdb-responsecontinuationtokenlimitinkb"));
            Assert.Equal(page == 0 ? null : "present", request.Header("x-ms-continuation") is null ? null : "present");
        }
        Assert.Null(position);
        Assert.Equal(12, seen.Distinct().Count());
    }

    [Fact]
    public void Every_listing_query_filters_on_the_tenant_and_passes_values_as_parameters()
    {
        var query = Listing("t-1", 5,
            new AnyOfFilter(TicketField.TeamId, ["b", "a"]), new AnyOfFilter(TicketField.StatusType, ["Open"]),
            new RangeFilter(TicketField.CreatedAt, "2025-01-01T00:00:00.000Z", "2025-02-01T00:00:00.000Z"), new RangeFilter(TicketField.UpdatedAt, null, null),
            new ContainsTextFilter([TicketField.Summary, TicketField.ObjectId], "O'Brien\" OR 1=1"));

        var definition = CosmosTicketListQuery.Build(query);
        var parameters = definition.GetQueryParameters().ToDictionary(p => p.Name, p => p.Value);

        Assert.Contains(" FROM c WHERE c.tenant_id = @tenantId AND ", definition.QueryText);
        Assert.Equal("t-1", parameters["@tenantId"]);
        Assert.EndsWith(" ORDER BY c.created_at DESC, c.id DESC", definition.QueryText);
        Assert.Contains("c.lookup_props.teamId IN (@p1, @p2)", definition.QueryText);
        Assert.Contains("(CONTAINS(LOWER(c.summary), @p6) OR CONTAINS(LOWER(c.object_id), @p6))", definition.QueryText);
        Assert.DoesNotContain("Brien", definition.QueryText);
        Assert.DoesNotContain("OFFSET", definition.QueryText);
        Assert.DoesNotContain("change_history", definition.QueryText);
        Assert.Equal("o'brien\" or 1=1", parameters["@p6"]);
        Assert.Throws<ArgumentException>(() => CosmosTicketListQuery.Build(Listing("t-1", 5, new AnyOfFilter(TicketField.TeamId, []))));
    }

    [Fact]
    public async Task The_emulator_serves_an_ascending_composite_index_in_both_directions_but_not_mixed_ones()
    {
        // The tickets container declares (created_at ASC, id ASC), not DESC: tools/cosmos-emulator/server.js serves its
        // reverse as Cosmos DB does, and still refuses directions no index has.
        var provider = emulator.NewProvider(CosmosEmulatorFixture.NewDatabaseName());
        var store = new CosmosTicketStore(provider);
        var tenant = NewTenant();
        await PutAsync(store, tenant, 3);
        var container = (await provider.GetContainersAsync(default)).Tickets;

        async Task<int> RunAsync(string orderBy)
        {
            var query = new QueryDefinition($"SELECT * FROM c WHERE c.tenant_id = @t ORDER BY {orderBy}").WithParameter("@t", tenant);
            using var iterator = container.GetItemQueryIterator<System.Text.Json.JsonElement>(query, requestOptions: new QueryRequestOptions
            {
                PartitionKey = new PartitionKey(tenant),
                EnableOptimisticDirectExecution = true,
            });
            return (await iterator.ReadNextAsync()).Count;
        }

        Assert.Equal(3, await RunAsync("c.created_at ASC, c.id ASC"));
        Assert.Equal(3, await RunAsync("c.created_at DESC, c.id DESC"));
        Assert.Equal(3, await RunAsync("c.updated_at DESC, c.id DESC"));
        var mixed = await Assert.ThrowsAsync<CosmosException>(() => RunAsync("c.created_at ASC, c.id DESC"));
        Assert.Equal(HttpStatusCode.BadRequest, mixed.StatusCode);
        var unindexed = await Assert.ThrowsAsync<CosmosException>(() => RunAsync("c.summary DESC, c.id DESC"));
        Assert.Equal(HttpStatusCode.BadRequest, unindexed.StatusCode);
    }
}
