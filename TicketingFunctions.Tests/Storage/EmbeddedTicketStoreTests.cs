using TicketingFunctions.Storage;

namespace TicketingFunctions.Tests.Storage;

public sealed class EmbeddedTicketStoreTests : TicketStoreContract
{
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new EmbeddedTicketStore());
}
