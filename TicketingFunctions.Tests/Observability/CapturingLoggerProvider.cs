using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TicketingFunctions.Tests.Observability;

/// <summary>Keeps every log line written, with its scopes and structured values, as text.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
    public void Dispose() { }

    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waits = [];

    /// <summary>
    /// The first line that matches, waiting for it if needed: some lines are written after the client has its answer
    /// (the request log's, once the response completed). <paramref name="bound"/> only bounds a line that never comes.
    /// </summary>
    public async Task<string> LineAsync(Func<string, bool> match, TimeSpan? bound = null)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waits)
        {
            if (Lines.FirstOrDefault(match) is { } written) return written;
            _waits.Add((match, seen));
        }
        try { return await seen.Task.WaitAsync(bound ?? TimeSpan.FromSeconds(60)); }
        catch (TimeoutException) { throw new TimeoutException("No such log line; written:\n" + string.Join("\n", Lines)); }
    }

    private void Add(string line)
    {
        lock (_waits)
        {
            Lines.Enqueue(line);
            foreach (var wait in _waits.Where(w => w.Match(line)).ToList())
            {
                wait.Seen.TrySetResult(line);
                _waits.Remove(wait);
            }
        }
    }

    /// <summary>Every line that carries a scope or state value named <paramref name="key"/>.</summary>
    public IEnumerable<string> WithValue(string key) => Lines.Where(l => l.Contains($"[{key}=", StringComparison.Ordinal));

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (k, v) in values) text.Append($" [{k}={v}]");
            owner._scopes.ForEachScope((scope, sb) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    foreach (var (k, v) in pairs) sb.Append($" [{k}={v}]");
                else if (scope is IEnumerable<KeyValuePair<string, object>> objects)
                    foreach (var (k, v) in objects) sb.Append($" [{k}={v}]");
                else sb.Append($" [scope={scope}]");
            }, text);
            if (exception is not null) text.Append(' ').Append(exception);
            owner.Add(text.ToString());
        }
    }
}
