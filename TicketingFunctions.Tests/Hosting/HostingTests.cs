using Microsoft.Extensions.Configuration;
using TicketingFunctions.Functions;
using TicketingFunctions.Hosting;

namespace TicketingFunctions.Tests.Hosting;

public sealed class HostingTests
{
    [Theory]
    [InlineData(new[] { "--functions-uri", "http://127.0.0.1:5000", "--functions-worker-id", "x" }, true)]
    [InlineData(new[] { "--functions-worker-id", "x" }, true)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5000" }, false)]
    [InlineData(new string[0], false)]
    public void The_functions_host_is_recognised_by_its_arguments(string[] args, bool expected) =>
        Assert.Equal(expected, HostMode.IsFunctionsHost(args, _ => null));

    [Fact]
    public void The_functions_host_is_recognised_by_its_host_endpoint_setting() =>
        Assert.True(HostMode.IsFunctionsHost([], name => name == "Functions__Worker__HostEndpoint" ? "http://127.0.0.1:5000" : null));

    [Fact]
    public void Http_functions_are_discovered_with_the_routes_and_methods_on_their_attributes()
    {
        var functions = FunctionEndpoints.Discover(typeof(Routes).Assembly).ToDictionary(f => f.Name);

        Assert.Equal(Routes.CreateTicket, functions["CreateTicket"].Route);
        Assert.Equal(["POST"], functions["CreateTicket"].Methods);
        Assert.Equal(Routes.TicketTypes, functions["ListTicketTypes"].Route);
        Assert.Equal(["GET"], functions["ListOffers"].Methods);
    }

    [Fact]
    public void The_route_prefix_comes_from_host_json()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json");
        File.WriteAllText(path, """{"version":"2.0","extensions":{"http":{"routePrefix":"/custom/"}}}""");
        try
        {
            Assert.Equal("custom", FunctionEndpoints.ReadRoutePrefix(path));
            Assert.Equal("api", FunctionEndpoints.ReadRoutePrefix(Path.Combine(AppContext.BaseDirectory, "host.json")));
            Assert.Equal("api", FunctionEndpoints.ReadRoutePrefix(path + ".missing"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Local_settings_values_become_configuration_keys()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json");
        File.WriteAllText(path, """{"IsEncrypted":false,"Values":{"Auth__Audience":"aud","CosmosDb__CreateIfNotExists":true,"FUNCTIONS_WORKER_RUNTIME":"dotnet-isolated"}}""");
        try
        {
            var values = LocalSettings.Read(path);
            Assert.Equal("aud", values["Auth:Audience"]);
            Assert.Equal("true", values["CosmosDb:CreateIfNotExists"]);
            Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void The_sample_settings_hold_every_auth_and_catalog_setting_and_the_only_dev_key()
    {
        var values = LocalSettings.Read(Path.Combine(AppContext.BaseDirectory, LocalSettings.SampleFileName));
        foreach (var key in new[] { "Auth:IssuerTemplate", "Auth:AllowedRealms", "Auth:Audience", "Auth:TeamsClaim", "Auth:DevSigningKey", "Catalog:SeedFile", "Catalog:CacheSeconds", "CosmosDb:Endpoint" })
            Assert.True(values.ContainsKey(key), key);
        Assert.Equal("http://localhost:7071/realms/{realm}", values["Auth:IssuerTemplate"]);
        Assert.Equal("demo", values["Auth:AllowedRealms"]);
        Assert.Equal("ticketing-api", values["Auth:Audience"]);
        Assert.NotNull(TicketingFunctions.Auth.DevSigningKey.FromOptions(new() { DevSigningKey = values["Auth:DevSigningKey"] }));
    }

    [Fact]
    public void Dev_token_command_prints_a_token_the_sample_settings_accept()
    {
        var values = LocalSettings.Read(Path.Combine(AppContext.BaseDirectory, LocalSettings.SampleFileName));
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int code;
        try { code = DevTokenCommand.Run(["--tenant", "820188ff-2036-4924-b80f-d11610735d86", "--roles", "ticket_agent,tenant_admin", "--teams", "james"], configuration); }
        finally { Console.SetOut(original); }

        Assert.Equal(0, code);
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(output.ToString().Trim());
        Assert.Equal("http://localhost:7071/realms/demo", token.Issuer);
        Assert.Equal(["ticketing-api"], token.Audiences);
        Assert.Equal("820188ff-2036-4924-b80f-d11610735d86", token.GetClaim("tenant_id").Value);
        Assert.Equal("HS256", token.Alg);
    }
}
