using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace TicketingFunctions.Hosting;

/// <summary>
/// The logging levels both hosts start from: the framework at Warning, the app at Information. Under the Functions host
/// the worker's own configuration decides what reaches Application Insights, so without these defaults JwtBearer
/// would write every refused token's stack at Information there. Every other source (local.settings.json, app settings,
/// environment, command line) can still change them.
/// </summary>
public static class LoggingDefaults
{
    public static readonly IReadOnlyDictionary<string, string?> Levels = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore.Authentication"] = "Warning",
        // Identity.Web routes Microsoft.IdentityModel's log into ILogger: several Information lines per validated Entra ID
        // token, and a multi-line Error (IDX10503, IDX10214…) per refused one. RequestAuthenticator already logs each
        // refused token as one Information line, as on the realm path; a flood of bad tokens must not flood the log.
        ["Logging:LogLevel:Microsoft.IdentityModel"] = "Critical",
        // The host logs a failed start ("Hosting failed to start") with its stack, then throws it to Program, which prints
        // one line for what a user can fix (StartupFailure) and the full exception for anything else. A faulted
        // background service still shows: the host logs it at Critical too.
        ["Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host"] = "Critical",
        // Scopes carry the request's correlation id: in every console line, one line per entry (simple or json formatter).
        ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
        ["Logging:Console:FormatterOptions:SingleLine"] = "true",
    };

    /// <summary>Puts the defaults below every configuration source already added.</summary>
    public static void AddTo(IConfigurationBuilder configuration) =>
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Levels });
}
