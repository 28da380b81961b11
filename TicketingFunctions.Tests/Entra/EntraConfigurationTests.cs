using TicketingFunctions.Settings;
using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using TicketingFunctions.Auth;
using TicketingFunctions.Hosting;
using TicketingFunctions.Tests.Http;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Entra;

/// <summary>When Entra ID is on, how its scheme is configured, and which settings are refused at start-up.</summary>
public sealed class EntraConfigurationTests
{
    private const string Instance = "https://login.microsoftonline.com/";

    private static void Entra(Dictionary<string, string?> s)
    {
        s["AzureAd:Instance"] = Instance;
        s["AzureAd:TenantId"] = EntraDirectoryServer.TenantId;
        s["AzureAd:ClientId"] = EntraDirectoryServer.ApiClientId;
    }

    private static async Task<bool> HasEntraScheme(TestApi api) =>
        await api.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(EntraAuthentication.Scheme) is not null;

    [Fact]
    public async Task Without_an_AzureAd_section_Entra_is_off_and_the_entra_realm_is_refused_like_an_unknown_realm()
    {
        await using var directory = await EntraDirectoryServer.StartAsync();
        await using var api = await TestApi.StartAsync(s => s[$"Auth:Entra:Clients:{EntraHttpTests.MonitoringApp}:TenantId"] = TestApi.Tenant);
        var request = api.Request(HttpMethod.Post, TestApi.CreatePath, directory.Token(EntraHttpTests.MonitoringApp, ["Tickets.Write"]), Bodies.ContractExample, realmHeader: "entra");

        var response = await api.Client.SendAsync(request);
        var unknownRealm = await api.Client.SendAsync(api.Request(HttpMethod.Post, TestApi.CreatePath, api.Token(), Bodies.ContractExample, realmHeader: "nowhere"));

        Assert.False(await HasEntraScheme(api));
        await AssertError(response, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
        Assert.Equal((await unknownRealm.JsonAsync()).GetRawText(), (await response.JsonAsync()).GetRawText());
    }

    [Fact]
    public async Task An_AzureAd_section_whose_values_are_all_empty_leaves_Entra_off()
    {
        // What the infra deploys when no AzureAd parameters are given.
        await using var api = await TestApi.StartAsync(s =>
        {
            s["AzureAd:Instance"] = "";
            s["AzureAd:TenantId"] = "";
            s["AzureAd:ClientId"] = "";
        });

        Assert.False(await HasEntraScheme(api));
    }

    [Fact]
    public async Task The_scheme_is_Identity_Webs_for_the_configured_directory_and_takes_RS256_only()
    {
        await using var api = await TestApi.StartAsync(Entra);
        var options = api.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(EntraAuthentication.Scheme);

        Assert.True(await HasEntraScheme(api));
        Assert.Equal($"{Instance}{EntraDirectoryServer.TenantId}/v2.0", options.Authority);
        Assert.True(options.RequireHttpsMetadata);
        Assert.False(options.MapInboundClaims);
        Assert.Equal([SecurityAlgorithms.RsaSha256], options.TokenValidationParameters.ValidAlgorithms);
        // Identity.Web's Entra ID issuer validator.
        Assert.NotNull(options.TokenValidationParameters.IssuerValidator);
        Assert.Equal("Microsoft.IdentityModel.Validators", options.TokenValidationParameters.IssuerValidator!.Method.DeclaringType!.Namespace);
        // The realm schemes are untouched.
        var demo = api.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(RealmAuthentication.SchemeForRealm(TestApi.Realm));
        Assert.Equal("http://localhost:7071/realms/demo", demo.TokenValidationParameters.ValidIssuer);
        Assert.Null(demo.TokenValidationParameters.IssuerValidator);
    }

    public static TheoryData<string, string?, string> Misconfigurations() => new()
    {
        { "AzureAd:ClientId", "", "AzureAd__ClientId" },
        { "AzureAd:TenantId", "contoso.onmicrosoft.com", "AzureAd__TenantId" },
        { "AzureAd:Instance", "http://login.example.com/", "AzureAd__Instance" },
        { "Auth:Entra:RealmName", "demo", "Auth__AllowedRealms" },
        { $"Auth:Entra:Clients:{EntraHttpTests.MonitoringApp}:TenantId", "tenant-one", $"Auth__Entra__Clients__{EntraHttpTests.MonitoringApp}__TenantId" },
    };

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public async Task Incomplete_or_contradictory_Entra_settings_stop_the_start_up_naming_the_setting(string key, string? value, string named)
    {
        var error = await Assert.ThrowsAsync<SettingException>(() => TestApi.StartAsync(s =>
        {
            Entra(s);
            s[key] = value;
        }));

        Assert.Contains(named, error.Message);
    }
}
