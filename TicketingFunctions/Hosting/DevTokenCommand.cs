using Microsoft.Extensions.Configuration;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Hosting;

/// <summary>
/// <c>dev-token --tenant … --roles a,b --teams x,y --scope "tickets:read tickets:write" [--realm demo] [--user u] [--minutes 480]</c>.
/// The token alone goes to standard output; warnings and errors go to standard error, so <c>TOKEN=$(…)</c> captures it.
/// </summary>
public static class DevTokenCommand
{
    /// <summary>The realm roles the permission rules know.</summary>
    public static readonly IReadOnlyList<string> KnownRoles = ["ticket_user", Permissions.TicketAgent, Permissions.TenantAdmin];

    public const string Usage =
        "usage: dev-token --tenant <uuid> [--roles ticket_user] [--teams james] [--scope \"tickets:read tickets:write\"] [--realm demo] [--user user@example.com] [--minutes 480]";

    public static int Run(string[] args, IConfiguration configuration) => Run(args, configuration, Console.Out, Console.Error);

    public static int Run(string[] args, IConfiguration configuration, TextWriter output, TextWriter error)
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
            error.WriteLine(Usage);
            return 2;
        }
        var roles = List(Arg("roles") ?? "ticket_user");
        if (roles.FirstOrDefault(r => !KnownRoles.Contains(r)) is { } unknown)
        {
            error.WriteLine($"dev-token: unknown role '{unknown}'; the roles are {string.Join(", ", KnownRoles)}.");
            return 2;
        }
        if (string.IsNullOrWhiteSpace(options.DevSigningKey))
        {
            error.WriteLine("dev-token: no dev signing key. Set Auth__DevSigningKey (base64, at least 32 bytes) in local.settings.json " +
                            "or the environment; local.settings.sample.json has a local-only one.");
            return 1;
        }
        var teams = List(Arg("teams"));
        if (teams.Length == 0 && !roles.Contains(Permissions.TenantAdmin))
            error.WriteLine("dev-token: warning: no --teams; calls on a team's tickets (create, read, update) will answer 403.");
        var realm = Arg("realm") ?? RealmAuthentication.ParseRealms(options.AllowedRealms).FirstOrDefault() ?? "demo";
        var user = Arg("user") ?? "user@example.com";
        // --user names the caller everywhere a token does: username, email (when it is one), first and last name.
        var local = user.Split('@')[0];
        var request = new DevTokenRequest(tenant, realm, roles, teams,
            Arg("scope") ?? "tickets:read tickets:write", user, user.Contains('@') ? user : null,
            FirstName: Arg("user") is null ? "Jane" : local, LastName: Arg("user") is null ? "Doe" : "",
            Lifetime: TimeSpan.FromMinutes(int.TryParse(Arg("minutes"), out var minutes) ? minutes : 480));
        try
        {
            output.WriteLine(DevTokenIssuer.Issue(options, request));
            return 0;
        }
        catch (InvalidOperationException ex)
        {
            error.WriteLine(ex.Message);
            return 1;
        }
    }
}
