using System.Net;
using System.Net.Sockets;
using TicketingFunctions.Tests.Cosmos;

namespace TicketingFunctions.Tests.FirstHour;

/// <summary>
/// Start-up errors a person can act on, as a person sees them: the built app run as a child process prints one line
/// naming the setting (in its documented <c>Section__Key</c> form), no stack trace, and exits with 1.
/// </summary>
public sealed class StartupErrorTests
{
    private static async Task AssertStopsWithOneLineAsync(AppProcess app, string line)
    {
        var code = await app.ExitAsync();
        Assert.Equal(line, app.Error.Trim());
        Assert.DoesNotContain("   at ", app.Output + app.Error);
        Assert.DoesNotContain("Exception", app.Output + app.Error);
        Assert.Equal(1, code);
    }

    [Fact]
    public async Task A_port_in_use_says_which_and_to_pass_urls()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        using var app = AppProcess.Start(null, "--urls", $"http://127.0.0.1:{port}");

        await AssertStopsWithOneLineAsync(app,
            $"port {port} is in use; pass --urls (for example --urls http://localhost:{port + 1}), or stop what listens there.");
    }

    [Fact]
    public async Task A_malformed_cosmos_endpoint_names_the_setting()
    {
        using var app = AppProcess.Start(new Dictionary<string, string> { ["CosmosDb__Endpoint"] = "localhost:8081" }, "--urls", "http://127.0.0.1:0");

        await AssertStopsWithOneLineAsync(app, "CosmosDb__Endpoint must be an absolute https URL, not 'localhost:8081'.");
    }

    [Theory]
    [InlineData("CosmosDb__CreateIfNotExists", "true")]
    [InlineData("Catalog__SeedFile", "catalog.sample.json")]
    public async Task An_unreachable_emulator_says_how_to_start_it(string startUpCall, string value)
    {
        // A loopback port nothing listens on any more.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var endpoint = $"https://127.0.0.1:{port}/";
        // The emulator settings of docs/operations.md.
        value = startUpCall == "Catalog__SeedFile" ? Path.Combine(AppContext.BaseDirectory, value) : value;
        using var app = AppProcess.Start(new Dictionary<string, string>
        {
            ["CosmosDb__Endpoint"] = endpoint,
            ["CosmosDb__Key"] = CosmosEmulatorFixture.EmulatorKey,
            ["CosmosDb__ConnectionMode"] = "Gateway",
            ["CosmosDb__AcceptEmulatorCertificate"] = "true",
            // Either setting makes start-up call Cosmos DB: to create the containers, or to seed the catalog.
            [startUpCall] = value,
        }, "--urls", "http://127.0.0.1:0");

        await AssertStopsWithOneLineAsync(app,
            $"Cosmos DB at {endpoint} is not reachable (Connection refused): start the emulator, node tools/cosmos-emulator/server.js --port {port}, " +
            "or change CosmosDb__Endpoint (unset: the embedded store).");
    }

    [Fact]
    public async Task No_dev_signing_key_in_development_warns_at_start_and_dev_token_says_what_to_set()
    {
        // Development reads local.settings.sample.json (with its local-only key) when there is no local.settings.json;
        // an empty key from the environment is the case of a local.settings.json without one.
        var development = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Auth__DevSigningKey"] = "",
        };
        using (var app = AppProcess.Start(development, "--urls", "http://127.0.0.1:0"))
        {
            var warning = await app.LineAsync(l => l.Contains("No dev signing key"));
            Assert.Equal("warn: TicketingFunctions[0] No dev signing key: dev-token can't sign and dev tokens are refused. " +
                         "Set Auth__DevSigningKey (base64, 32+ bytes; local.settings.sample.json has a local-only one).", warning);
            // A warning, not a stop: the app goes on to listen.
            await app.LineAsync(l => l.Contains("is listening on http://127.0.0.1:"));
            Assert.DoesNotContain("   at ", app.Output + app.Error);
        }

        using var devToken = AppProcess.Start(development, "dev-token", "--tenant", "820188ff-2036-4924-b80f-d11610735d86", "--teams", "james");
        Assert.Equal(1, await devToken.ExitAsync());
        Assert.Equal("", devToken.Output.Trim());
        Assert.Equal("dev-token: no dev signing key. Set Auth__DevSigningKey (base64, at least 32 bytes) in local.settings.json " +
                     "or the environment; local.settings.sample.json has a local-only one.", devToken.Error.Trim());
    }
}
