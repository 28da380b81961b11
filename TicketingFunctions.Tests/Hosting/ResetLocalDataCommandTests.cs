using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using TicketingFunctions.Hosting;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Storage;

namespace TicketingFunctions.Tests.Hosting;

public sealed class ResetLocalDataCommandTests : IDisposable
{
    private readonly string _folder = TestDataFolders.New();

    public void Dispose() => TestDataFolders.Delete(_folder);

    private (int Exit, string Output) Run(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Storage:DataPath"] = _folder };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var output = new StringWriter();
        var exit = ResetLocalDataCommand.Run(configuration, new HostingEnvironment { ContentRootPath = _folder, EnvironmentName = "Development" }, output);
        return (exit, output.ToString());
    }

    private async Task WriteDataAsync(string tenant)
    {
        using var store = new EmbeddedTicketStore(_folder);
        await store.CreateTicketAsync(TicketStoreContract.NewTicket(tenant, "CTC-0001"), default);
        var uploads = Directory.CreateDirectory(Path.Combine(_folder, "attachments", "pending", tenant)).FullName;
        await File.WriteAllTextAsync(Path.Combine(uploads, "a.bin"), "bytes");
    }

    [Fact]
    public async Task It_says_what_it_deletes_then_deletes_the_tickets_and_the_local_uploads()
    {
        var tenant = Guid.NewGuid().ToString();
        await WriteDataAsync(tenant);

        var (exit, output) = Run();

        Assert.Equal(0, exit);
        Assert.Contains($"{Path.Combine(_folder, "tickets.db")}: every ticket", output);
        Assert.Contains($"{Path.Combine(_folder, "attachments")}: 1 uploaded file(s)", output);
        Assert.False(Directory.Exists(Path.Combine(_folder, "attachments")));
        using var store = new EmbeddedTicketStore(_folder);
        Assert.Null(await store.GetTicketAsync(tenant, "CTC-0001", default));
    }

    [Fact]
    public async Task It_refuses_while_an_app_holds_the_store_and_deletes_nothing()
    {
        var tenant = Guid.NewGuid().ToString();
        await WriteDataAsync(tenant);
        using var running = new EmbeddedTicketStore(_folder);

        var (exit, output) = Run();

        Assert.Equal(1, exit);
        Assert.Contains("stop it", output);
        Assert.NotNull(await running.GetTicketAsync(tenant, "CTC-0001", default));
        Assert.True(File.Exists(Path.Combine(_folder, "attachments", "pending", tenant, "a.bin")));
    }

    [Fact]
    public void With_nothing_stored_it_says_so()
    {
        var (exit, output) = Run();
        Assert.Equal(0, exit);
        Assert.Contains("No local data to delete", output);
    }

    [Fact]
    public void Unset_the_data_folder_is_dot_data_in_the_project_folder_in_development_and_beside_the_app_otherwise()
    {
        var project = Directory.CreateDirectory(Path.Combine(_folder, "project")).FullName;
        File.WriteAllText(Path.Combine(project, "TicketingFunctions.csproj"), "<Project />");
        var output = Directory.CreateDirectory(Path.Combine(project, "bin", "Debug", "net10.0")).FullName;
        var empty = new ConfigurationBuilder().Build();

        Assert.Equal(Path.Combine(project, ".data"),
            LocalDataFolder.Resolve(empty, new HostingEnvironment { ContentRootPath = output, EnvironmentName = "Development" }).Path);
        Assert.Equal(Path.Combine(output, ".data"),
            LocalDataFolder.Resolve(empty, new HostingEnvironment { ContentRootPath = output, EnvironmentName = "Production" }).Path);
        var configured = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataPath"] = "elsewhere" }).Build();
        Assert.Equal(Path.Combine(output, "elsewhere"),
            LocalDataFolder.Resolve(configured, new HostingEnvironment { ContentRootPath = output, EnvironmentName = "Development" }).Path);
    }
}
