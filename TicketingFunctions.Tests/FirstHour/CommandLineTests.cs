using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using TicketingFunctions.Hosting;

namespace TicketingFunctions.Tests.FirstHour;

/// <summary>dev-token's checks and output streams, and --help.</summary>
public sealed class CommandLineTests
{
    private static IConfiguration Settings(bool withKey = true) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Auth:AllowedRealms"] = "demo",
        ["Auth:IssuerTemplate"] = "http://localhost:7071/realms/{realm}",
        ["Auth:Audience"] = "ticketing-api",
        ["Auth:DevSigningKey"] = withKey ? Convert.ToBase64String(new byte[32]) : null,
    }).Build();

    private static (int Code, string Out, string Err) Run(IConfiguration settings, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = DevTokenCommand.Run(args, settings, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void The_token_alone_goes_to_stdout_and_user_sets_the_names()
    {
        var (code, output, error) = Run(Settings(), "--tenant", "820188ff-2036-4924-b80f-d11610735d86", "--teams", "james", "--user", "ann@example.com");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        var token = new JsonWebToken(output.Trim());
        Assert.Equal("ann@example.com", token.GetClaim("preferred_username").Value);
        Assert.Equal("ann@example.com", token.GetClaim("email").Value);
        Assert.Equal("ann", token.GetClaim("given_name").Value);
    }

    [Fact]
    public void An_unknown_role_is_refused()
    {
        var (code, output, error) = Run(Settings(), "--tenant", "t", "--roles", "ticket_admin");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("unknown role 'ticket_admin'", error);
    }

    [Fact]
    public void No_teams_warns_on_stderr_that_team_calls_will_be_403()
    {
        var (code, output, error) = Run(Settings(), "--tenant", "820188ff-2036-4924-b80f-d11610735d86");
        Assert.Equal(0, code);
        Assert.Single(output.Trim().Split('\n'));
        Assert.Contains("403", error);
    }

    [Fact]
    public void No_signing_key_says_what_to_set()
    {
        var (code, _, error) = Run(Settings(withKey: false), "--tenant", "t", "--teams", "james");
        Assert.Equal(1, code);
        Assert.Contains("Auth__DevSigningKey", error);
    }

    [Fact]
    public void Help_lists_the_commands_and_main_settings()
    {
        Assert.True(HelpCommand.IsHelp(["--help"]));
        Assert.False(HelpCommand.IsHelp(["dev-token"]));
        foreach (var word in new[] { "dev-token", "seed-catalog", "reset-local-data", "CosmosDb__Endpoint", "Auth__DevSigningKey", "ApiDocs__Enabled" })
            Assert.Contains(word, HelpCommand.Text);
    }
}
