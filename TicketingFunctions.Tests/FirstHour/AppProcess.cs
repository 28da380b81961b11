using System.Diagnostics;
using System.Text;
using TicketingFunctions.Tests.Storage;

namespace TicketingFunctions.Tests.FirstHour;

/// <summary>
/// The built app (TicketingFunctions.dll, in the tests' output) as a child process, on a data folder of its own, with
/// no Cosmos DB or Blob settings unless a test gives them. Synchronization is on what it prints or on its exit; the
/// timeouts only bound a hung child.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly string _folder = TestDataFolders.New();
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waits = [];

    private AppProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = _folder,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TicketingFunctions.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["Storage__DataPath"] = _folder;
        start.Environment["CosmosDb__Endpoint"] = "";
        start.Environment["Attachments__BlobServiceUri"] = "";
        start.Environment["Attachments__BlobConnectionString"] = "";
        start.Environment["Auth__IssuerTemplate"] = "http://localhost:7071/realms/{realm}";
        start.Environment["Auth__AllowedRealms"] = "demo";
        start.Environment["Auth__Audience"] = "ticketing-api";
        start.Environment["Auth__DevSigningKey"] = Convert.ToBase64String(new byte[32]);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Received(_output, e.Data);
        _process.ErrorDataReceived += (_, e) => Received(_error, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static AppProcess Start(IReadOnlyDictionary<string, string>? environment = null, params string[] args) =>
        new(args, environment ?? new Dictionary<string, string>());

    public string Output { get { lock (_output) return _output.ToString(); } }
    public string Error { get { lock (_output) return _error.ToString(); } }

    /// <summary>Waits for the child to end; its exit code.</summary>
    public async Task<int> ExitAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"The app did not exit.\nstdout: {Output}\nstderr: {Error}"); }
        return _process.ExitCode;
    }

    /// <summary>Waits for the first line (stdout or stderr) that matches; fails if the child ends first.</summary>
    public async Task<string> LineAsync(Func<string, bool> match)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            var earlier = (_output + "\n" + _error).Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(match);
            if (earlier is not null) return earlier;
            _waits.Add((match, seen));
        }
        var ended = _process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, ended, Task.Delay(Bound));
        if (first == seen.Task) return await seen.Task;
        // The child may have printed the line just before it ended: look once more.
        lock (_output)
        {
            var late = (_output + "\n" + _error).Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(match);
            if (late is not null) return late;
        }
        throw new InvalidOperationException($"The app {(first == ended ? "ended" : "went on")} without the line awaited.\nstdout: {Output}\nstderr: {Error}");
    }

    private void Received(StringBuilder to, string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            to.AppendLine(line);
            foreach (var wait in _waits.Where(w => w.Match(line)).ToList())
            {
                wait.Seen.TrySetResult(line);
                _waits.Remove(wait);
            }
        }
    }

    /// <summary>Kills the child at once (SIGKILL on Linux: no shutdown, no flush) and waits until it is gone.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        TestDataFolders.Delete(_folder);
    }
}
