using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;

namespace TicketingFunctions.Tests.Storage;

/// <summary>The storage contract, against the Cosmos DB store on the emulator. Tenants are fresh per test.</summary>
[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosTicketStoreTests(CosmosEmulatorFixture emulator) : TicketStoreContract
{
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(emulator.SharedStore);
}
