using Microsoft.Extensions.Configuration;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Hosting;

/// <summary><c>dev-token --tenant … --roles a,b --teams x,y --scope "tickets:read tickets:write" [--realm demo] [--user u] [--minutes 480]</c></summary>
public static class DevTokenCommand
{
    public static int Run(string[] args, IConfiguration configuration)
    {
        var options = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        string? Arg(string name)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        static string[] List(string? value) => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var tenant = Arg("tenant");
        if (tenant is null)
        {
            Console.Error.WriteLine("usage: dev-token --tenant <uuid> [--roles ticket_user] [--teams james] [--scope \"tickets:read tickets:write\"] [--realm demo] [--user user@example.com] [--minutes 480]");
            return 2;
        }
        var realm = Arg("realm") ?? RealmAuthentication.ParseRealms(options.AllowedRealms).FirstOrDefault() ?? "demo";
        var user = Arg("user") ?? "user@example.com";
        var request = new DevTokenRequest(tenant, realm, List(Arg("roles") ?? "ticket_user"), List(Arg("teams")),
            Arg("scope") ?? "tickets:read tickets:write", user, user.Contains('@') ? user : null,
            Lifetime: TimeSpan.FromMinutes(int.TryParse(Arg("minutes"), out var minutes) ? minutes : 480));
        try
        {
            Console.WriteLine(DevTokenIssuer.Issue(options, request));
            return 0;
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }
}
