using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using TicketingFunctions.Hosting;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Docs;

/// <summary>
/// The README's token command, run as written from the repository's top folder in a shell that names no environment
/// (a fresh terminal), mints a token that the local API (the sample settings) accepts.
/// </summary>
public sealed class ReadmeTokenTests
{
    [Fact]
    public async Task The_readmes_dev_token_command_works_in_a_fresh_shell_and_the_local_api_accepts_the_token()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryFiles.Root, "README.md"));
        var command = Regex.Match(readme, @"^TOKEN=\$\((.*?)\)\n", RegexOptions.Multiline | RegexOptions.Singleline).Groups[1].Value.Replace("\\\n", " ");
        Assert.Contains("TicketingFunctions.dll dev-token", command);
        // The README names the Debug build, which `dotnet run` makes; the tests may run another configuration.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        command = command.Replace("/bin/Debug/", $"/bin/{configuration}/");
        var shell = new ProcessStartInfo("bash", ["-c", "TENANT=" + TestApi.Tenant + "; " + command])
        {
            WorkingDirectory = RepositoryFiles.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in new[] { "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "Auth__DevSigningKey" }) shell.Environment.Remove(name);

        using var process = Process.Start(shell)!;
        var token = (await process.StandardOutput.ReadToEndAsync()).Trim();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, errors);
        var sample = LocalSettings.Read(Path.Combine(RepositoryFiles.Root, LocalSettings.SampleFileName));
        await using var api = await TestApi.StartAsync(s => s["Auth:DevSigningKey"] = sample["Auth:DevSigningKey"]);
        using var response = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
