using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;

namespace TicketingFunctions.Tests.Events;

[Collection(CosmosEmulatorCollection.Name)]
public sealed class CosmosTicketEventStoreTests(CosmosEmulatorFixture emulator) : TicketEventStoreContract
{
    protected override Task<(ITicketStore Tickets, ITicketEventStore Events)> CreateStoreAsync() =>
        Task.FromResult<(ITicketStore, ITicketEventStore)>((emulator.SharedStore, emulator.SharedStore));

    protected override Task SettleAsync(ITicketEventStore events) => ((CosmosTicketStore)events).DrainPublisherAsync();
}
