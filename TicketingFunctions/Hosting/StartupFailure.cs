using TicketingFunctions.Settings;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;

namespace TicketingFunctions.Hosting;

/// <summary>
/// The one line Program prints when the app can't start for a reason its user can fix: a <see cref="SettingException"/>
/// (its message), or a port already taken. Anything else is a defect and keeps its stack trace.
/// </summary>
public static partial class StartupFailure
{
    public const int ExitCode = 1;

    public static string? Describe(Exception exception)
    {
        var chain = Chain(exception).ToList();
        if (chain.OfType<SettingException>().FirstOrDefault() is { } setting) return setting.Message;
        if (chain.OfType<AddressInUseException>().Any())
        {
            // Kestrel says which address: "Failed to bind to address http://127.0.0.1:7071: address already in use."
            var port = chain.Select(e => BoundAddress().Match(e.Message)).FirstOrDefault(m => m.Success)?.Groups["port"].Value;
            return $"port {port ?? "(unknown)"} is in use; pass --urls (for example --urls http://localhost:{(int.TryParse(port, out var p) && p < 65535 ? p + 1 : 7072)}), or stop what listens there.";
        }
        return null;
    }

    /// <summary>The exception, its inner exceptions, and every exception of an aggregate.</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var e))
        {
            yield return e;
            if (e is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions) pending.Push(inner);
            else if (e.InnerException is { } inner)
                pending.Push(inner);
        }
    }

    [GeneratedRegex(@"https?://\S+?:(?<port>\d+)")]
    private static partial Regex BoundAddress();
}
