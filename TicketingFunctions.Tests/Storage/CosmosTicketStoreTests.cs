using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Storage;

/// <summary>The storage contract, against the Cosmos DB store on the emulator. Tenants are fresh per test.</summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosTicketStoreTests(CosmosEmulatorFixture emulator) : TicketStoreContract
{
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(emulator.SharedStore);

    [Fact]
    public async Task A_counter_from_before_deletions_existed_starts_its_deletion_sequence_at_1()
    {
        var store = emulator.SharedStore;
        var tenant = Guid.NewGuid().ToString();
        await store.NextDisplayNumberAsync(tenant, "CTC", default);
        // Rewrite the counter as earlier versions wrote it: no "deletions".
        var containers = await emulator.NewProvider("shared").GetContainersAsync(default);
        var legacy = new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = "counter", ["tenant_id"] = tenant, ["kind"] = "counter", ["serial"] = 1, ["numbers"] = new System.Text.Json.Nodes.JsonObject { ["CTC"] = 1 },
        };
        await containers.Tenants.UpsertItemAsync(System.Text.Json.JsonSerializer.SerializeToElement(legacy), new Microsoft.Azure.Cosmos.PartitionKey(tenant));

        Assert.Equal(1, await store.NextDeletionSeqAsync(tenant, default));
        Assert.Equal(2, await store.NextDeletionSeqAsync(tenant, default));
        Assert.Equal(new DisplayNumber(2, 2), await store.NextDisplayNumberAsync(tenant, "CTC", default));
    }
}
