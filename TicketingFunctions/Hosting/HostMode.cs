namespace TicketingFunctions.Hosting;

/// <summary>Tells whether the Functions host started this process.</summary>
public static class HostMode
{
    /// <summary>
    /// The host passes --functions-uri, --functions-worker-id, … (mapped to Functions:Worker:*); it may also
    /// set Functions:Worker:HostEndpoint through the environment.
    /// </summary>
    public static bool IsFunctionsHost(string[] args, Func<string, string?> environment)
    {
        foreach (var arg in args)
        {
            if (arg.StartsWith("--functions-", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return !string.IsNullOrEmpty(environment("Functions__Worker__HostEndpoint"))
            || !string.IsNullOrEmpty(environment("Functions:Worker:HostEndpoint"));
    }
}
