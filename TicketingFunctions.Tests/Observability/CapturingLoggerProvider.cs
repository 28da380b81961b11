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
            owner.Lines.Enqueue(text.ToString());
        }
    }
}
