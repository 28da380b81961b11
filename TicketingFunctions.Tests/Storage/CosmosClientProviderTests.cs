using TicketingFunctions.Settings;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TicketingFunctions.Hosting;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Cosmos;

namespace TicketingFunctions.Tests.Storage;

/// <summary>The Cosmos client's settings and registration, checked without any network traffic.</summary>
public sealed class CosmosClientProviderTests
{
    [Theory]
    [InlineData("https://localhost:8081/")]
    [InlineData("https://LOCALHOST:8081")]
    [InlineData("https://127.0.0.1:8081/")]
    [InlineData("https://127.10.20.30:443/")]
    [InlineData("https://[::1]:8081/")]
    public void The_emulator_certificate_is_accepted_on_loopback_when_asked(string endpoint)
    {
        Assert.True(CosmosClientProvider.ShouldAcceptEmulatorCertificate(new CosmosOptions { Endpoint = endpoint, AcceptEmulatorCertificate = true }));
        Assert.False(CosmosClientProvider.ShouldAcceptEmulatorCertificate(new CosmosOptions { Endpoint = endpoint, AcceptEmulatorCertificate = false }));
    }

    [Theory]
    [InlineData("https://myaccount.documents.azure.com:443/")]
    [InlineData("https://10.0.0.5:8081/")]
    [InlineData("https://192.168.1.10:8081/")]
    [InlineData("https://localhost.example.com:8081/")]
    [InlineData("https://127.0.0.1.nip.io:8081/")]
    [InlineData("https://[::ffff:10.0.0.1]:8081/")]
    [InlineData("https://0.0.0.0:8081/")]
    [InlineData("not a url")]
    public void The_emulator_certificate_setting_is_ignored_for_any_other_endpoint(string endpoint)
    {
        Assert.False(CosmosClientProvider.ShouldAcceptEmulatorCertificate(new CosmosOptions { Endpoint = endpoint, AcceptEmulatorCertificate = true }));
    }

    [Theory]
    [InlineData(null, ConnectionMode.Direct)]
    [InlineData("", ConnectionMode.Direct)]
    [InlineData("Direct", ConnectionMode.Direct)]
    [InlineData("gateway", ConnectionMode.Gateway)]
    [InlineData(" Gateway ", ConnectionMode.Gateway)]
    public void Connection_mode_defaults_to_direct(string? setting, ConnectionMode expected) =>
        Assert.Equal(expected, CosmosClientProvider.ParseConnectionMode(setting));

    [Theory]
    [InlineData("https://localhost:8081/", "Tcp", "CosmosDb__ConnectionMode")]
    [InlineData("localhost:8081", "Gateway", "CosmosDb__Endpoint")]
    [InlineData("ftp://localhost:8081/", "Gateway", "CosmosDb__Endpoint")]
    public void Bad_settings_fail_at_registration_naming_the_setting(string endpoint, string mode, string named)
    {
        var error = Assert.Throws<SettingException>(() =>
            new ServiceCollection().AddTicketStore(Configuration(new() { ["CosmosDb:Endpoint"] = endpoint, ["CosmosDb:ConnectionMode"] = mode })));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void The_two_containers_must_differ()
    {
        var error = Assert.Throws<SettingException>(() => CosmosClientProvider.Validate(new CosmosOptions
        {
            Endpoint = "https://localhost:8081/", TicketsContainer = "data", TenantsContainer = "data",
        }));
        Assert.Contains("TenantsContainer", error.Message);
    }

    [Fact]
    public void Without_an_endpoint_the_embedded_store_is_registered_in_the_data_folder()
    {
        var folder = TestDataFolders.New();
        using var services = new ServiceCollection().AddLogging()
            .AddSingleton<IHostEnvironment>(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = folder, EnvironmentName = "Testing" })
            .AddTicketStore(Configuration(new() { ["Storage:DataPath"] = "data" })).BuildServiceProvider();
        Assert.IsType<EmbeddedTicketStore>(services.GetRequiredService<ITicketStore>());
        Assert.True(File.Exists(Path.Combine(folder, "data", "tickets.db")));
        Assert.Empty(services.GetServices<IHostedService>());
    }

    [Fact]
    public async Task With_an_endpoint_the_cosmos_store_is_registered_and_nothing_is_sent_until_it_is_used()
    {
        var wire = new RecordingHandler();
        // Nothing listens on port 9; if anything were sent, the recording handler would see it.
        var configuration = Configuration(new()
        {
            ["CosmosDb:Endpoint"] = "https://127.0.0.1:9/",
            ["CosmosDb:Key"] = CosmosEmulatorFixture.EmulatorKey,
            ["CosmosDb:CreateIfNotExists"] = "false",
        });
        await using var services = new ServiceCollection().AddLogging().AddSingleton(wire.Interceptor)
            .AddTicketStore(configuration).BuildServiceProvider();

        Assert.IsType<CosmosTicketStore>(services.GetRequiredService<ITicketStore>());
        foreach (var hosted in services.GetServices<IHostedService>()) await hosted.StartAsync(default);
        Assert.True(wire.Requests.Count == 0, "sent: " + string.Join(", ", wire.Requests.Select(r => $"{r.Method} {r.Path}")));

        // Checked after the silence above: once built, a Direct-mode client reads the account (GET /) in the
        // background, so a check after this line would pass or fail by timing.
        var client = services.GetRequiredService<CosmosClientProvider>().Client;
        Assert.Equal(ConnectionMode.Direct, client.ClientOptions.ConnectionMode);
        Assert.True(client.ClientOptions.LimitToEndpoint);
    }

    [Theory]
    [InlineData("Direct", true)]
    [InlineData("Gateway", false)]
    public void An_emulator_in_direct_mode_also_trusts_its_certificate_over_tcp(string mode, bool tcpCallback)
    {
        using var provider = new CosmosClientProvider(Options.Create(new CosmosOptions
        {
            Endpoint = "https://127.0.0.1:9/",
            Key = CosmosEmulatorFixture.EmulatorKey,
            ConnectionMode = mode,
            AcceptEmulatorCertificate = true,
        }));

        var options = provider.Client.ClientOptions;
        Assert.NotNull(options.HttpClientFactory);
        Assert.Equal(tcpCallback, options.ServerCertificateCustomValidationCallback is not null);
    }

    [Fact]
    public void The_settings_bind_from_configuration_keys()
    {
        var options = new ServiceCollection().AddLogging().AddTicketStore(Configuration(new()
        {
            ["CosmosDb:Endpoint"] = "https://127.0.0.1:9/",
            ["CosmosDb:Database"] = "db",
            ["CosmosDb:TicketsContainer"] = "t",
            ["CosmosDb:TenantsContainer"] = "n",
            ["CosmosDb:ConnectionMode"] = "Gateway",
            ["CosmosDb:AcceptEmulatorCertificate"] = "true",
            ["CosmosDb:CreateIfNotExists"] = "true",
        })).BuildServiceProvider().GetRequiredService<IOptions<CosmosOptions>>().Value;

        Assert.Equal(("db", "t", "n", "Gateway", true, true),
            (options.Database, options.TicketsContainer, options.TenantsContainer, options.ConnectionMode, options.AcceptEmulatorCertificate, options.CreateIfNotExists));
    }

    [Fact]
    public void Unavailability_maps_to_a_retry_after_of_at_least_a_second()
    {
        Assert.True(CosmosTicketStore.IsUnavailable(System.Net.HttpStatusCode.TooManyRequests));
        Assert.True(CosmosTicketStore.IsUnavailable(System.Net.HttpStatusCode.ServiceUnavailable));
        Assert.True(CosmosTicketStore.IsUnavailable(System.Net.HttpStatusCode.RequestTimeout));
        Assert.False(CosmosTicketStore.IsUnavailable(System.Net.HttpStatusCode.InternalServerError));
        Assert.False(CosmosTicketStore.IsUnavailable(System.Net.HttpStatusCode.Forbidden));

        Assert.Equal(TimeSpan.FromSeconds(1), CosmosTicketStore.RetryAfterFor(new CosmosException("", System.Net.HttpStatusCode.TooManyRequests, 0, "", 1)));
        Assert.Equal(TimeSpan.FromSeconds(5), CosmosTicketStore.RetryAfterFor(new CosmosException("", System.Net.HttpStatusCode.ServiceUnavailable, 0, "", 1)));
    }

    [Theory]
    [InlineData("CTC", "CTC")]
    [InlineData("A/B", "A~1B")]
    [InlineData("A~B", "A~0B")]
    public void Prefixes_are_escaped_as_patch_path_segments(string prefix, string segment) =>
        Assert.Equal(segment, CosmosTicketStore.EscapePointerSegment(prefix));

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
