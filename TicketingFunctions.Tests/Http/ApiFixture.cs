namespace TicketingFunctions.Tests.Http;

/// <summary>One host for a test class; tests that count tickets use their own tenant-independent assertions.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public TestApi Api { get; private set; } = null!;
    public async Task InitializeAsync() => Api = await TestApi.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();
}
