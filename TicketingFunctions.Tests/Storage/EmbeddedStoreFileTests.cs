using TicketingFunctions.Storage;

namespace TicketingFunctions.Tests.Storage;

/// <summary>The embedded store's group commit (Storage/EmbeddedStoreFile.cs): how a commit's writes are completed.</summary>
public sealed class EmbeddedStoreFileTests : IDisposable
{
    private readonly string _folder = TestDataFolders.New();

    public void Dispose() => TestDataFolders.Delete(_folder);

    [Fact]
    public async Task A_write_completes_off_the_writer_so_code_run_inline_at_its_completion_can_wait_for_another_write()
    {
        // Run where the first create's task completes. Were that the writer, the second create could never commit.
        using var store = new EmbeddedTicketStore(_folder);
        var tenant = Guid.NewGuid().ToString();
        var waited = store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, "CTC-0001", 1), default).ContinueWith(
            _ => store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, "CTC-0002", 2), default).Wait(TimeSpan.FromSeconds(60)),
            TaskContinuationOptions.ExecuteSynchronously);
        Assert.True(await waited);
        Assert.NotNull(await store.GetTicketAsync(tenant, "CTC-0002", default));
    }

    [Fact]
    public async Task Every_create_of_a_large_group_completes_once_committed_and_reads_back_after_a_restart()
    {
        // More than one commit takes (256) and more than one completion work item per commit.
        var tenant = Guid.NewGuid().ToString();
        using (var store = new EmbeddedTicketStore(_folder))
        {
            var creates = Enumerable.Range(1, 1000).Select(i => Task.Run(() =>
                store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, $"CTC-{i:D4}", i), default))).ToList();
            await Task.WhenAll(creates);
        }
        using var reopened = new EmbeddedTicketStore(_folder);
        foreach (var i in Enumerable.Range(1, 1000))
            Assert.NotNull(await reopened.GetTicketAsync(tenant, $"CTC-{i:D4}", default));
    }
}
