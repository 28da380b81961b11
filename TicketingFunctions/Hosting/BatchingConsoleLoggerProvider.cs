using System.Runtime.Versioning;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace TicketingFunctions.Hosting;

/// <summary>
/// The standalone host's console log: the lines <see cref="ConsoleLoggerProvider"/> writes, byte for byte, for less
/// CPU per line. The text is the same because it comes from the same place: the formatter that provider would pick
/// (<see cref="ConsoleLoggerOptions.FormatterName"/> among the registered <see cref="ConsoleFormatter"/>s, with their
/// options and reloads), writing into a per-thread <see cref="StringWriter"/> as that provider's logger does, and
/// <see cref="ConsoleLoggerOptions.LogToStandardErrorThreshold"/> picks the stream the same way. The writers are
/// <see cref="Console.Out"/> and <see cref="Console.Error"/> as they are when the provider is built, as there.
/// <para>What differs is how lines reach them. That provider makes a string of every line, queues it, wakes its thread
/// for each line that finds the queue empty (nearly every line: two thread switches each), and its thread writes each
/// string on its own (through the console's 256-character buffer: about two <c>write</c> calls per request line).
/// Here a line is copied from the formatter's buffer into a shared one, and the writing thread, once woken, sleeps a
/// millisecond after each write, so that under load it takes everything written meanwhile in one write and nothing
/// has to wake it. Lines stay in the order they were logged, across both streams. The queue's bound and
/// <see cref="ConsoleLoggerQueueFullMode"/> keep their meaning (a bound on lines waiting; wait, or drop and say so on
/// stderr); after disposal a line is written on the logging thread, as there.</para>
/// <para>Used only where the two can be told apart by nothing but speed: not on Windows (where that provider may
/// translate colour codes into console calls), and only when the options name a registered formatter (with no name,
/// it applies the deprecated <see cref="ConsoleLoggerOptions"/> settings to its own formatter, which is internal).
/// <see cref="UseInsteadOfConsoleProvider"/> decides.</para>
/// </summary>
[ProviderAlias("Console")]
[UnsupportedOSPlatform("browser")]
public sealed class BatchingConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    // The framework's own notice (Microsoft.Extensions.Logging.Console's resources), written to stderr after drops.
    internal const string DropNotice =
        "{0} message(s) dropped because of queue size limit. Increase the queue size or decrease logging verbosity to avoid this. You may change `ConsoleLoggerQueueFullMode` to stop dropping messages.";

    private readonly Dictionary<string, ConsoleFormatter> _formatters = new(StringComparer.OrdinalIgnoreCase);
    private readonly IDisposable? _reload;
    private readonly LineQueue _queue;
    private readonly Dictionary<string, Logger> _loggers = new(StringComparer.Ordinal);
    private volatile ConsoleFormatter _formatter;
    private volatile ConsoleLoggerOptions _options;
    private volatile IExternalScopeProvider _scopes = NoScopes.Instance;

    [ThreadStatic] private static StringWriter? t_line;

    public BatchingConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters)
    {
        foreach (var formatter in formatters) _formatters.TryAdd(formatter.Name, formatter);
        var current = options.CurrentValue;
        _formatter = FormatterFor(current) ?? throw new InvalidOperationException(
            $"No console formatter named '{current.FormatterName}': {nameof(UseInsteadOfConsoleProvider)} should have kept the framework's provider.");
        _options = current;
        _queue = new LineQueue(Console.Out, Console.Error, current.QueueFullMode, current.MaxQueueLength);
        _reload = options.OnChange(Reload);
    }

    /// <summary>
    /// Puts this provider in the place of <see cref="ConsoleLoggerProvider"/> where it writes the same bytes (see the
    /// class summary). Anything else keeps the framework's provider.
    /// </summary>
    public static void UseInsteadOfConsoleProvider(IServiceCollection services)
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsBrowser()) return;
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(ILoggerProvider) || descriptor.ImplementationType != typeof(ConsoleLoggerProvider)) continue;
            services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(provider =>
            {
                var options = provider.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>();
                var formatters = provider.GetServices<ConsoleFormatter>().ToList();
                return formatters.Any(f => string.Equals(f.Name, options.CurrentValue.FormatterName, StringComparison.OrdinalIgnoreCase))
                    ? new BatchingConsoleLoggerProvider(options, formatters)
                    : new ConsoleLoggerProvider(options, formatters);
            });
        }
    }

    private ConsoleFormatter? FormatterFor(ConsoleLoggerOptions options) =>
        options.FormatterName is { } name && _formatters.TryGetValue(name, out var formatter) ? formatter : null;

    // As ConsoleLoggerProvider does on a reload. A reloaded name that matches no formatter (a misconfiguration: the
    // standalone host takes Logging:Console:FormatterName from configuration) keeps the last formatter, where that
    // provider would fall back to its internal one, which this can't build.
    private void Reload(ConsoleLoggerOptions options)
    {
        _formatter = FormatterFor(options) ?? _formatter;
        _queue.Configure(options.QueueFullMode, options.MaxQueueLength);
        _options = options;
    }

    public ILogger CreateLogger(string categoryName)
    {
        lock (_loggers)
        {
            if (!_loggers.TryGetValue(categoryName, out var logger)) _loggers[categoryName] = logger = new Logger(this, categoryName);
            return logger;
        }
    }

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        _reload?.Dispose();
        _queue.Dispose();
    }

    private void Write<TState>(LogLevel level, string category, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter, IExternalScopeProvider? scopes)
    {
        var line = t_line ??= new StringWriter();
        var entry = new LogEntry<TState>(level, category, eventId, state, exception, formatter);
        _formatter.Write(in entry, scopes, line);
        var text = line.GetStringBuilder();
        if (text.Length == 0) return;
        _queue.Add(text, toError: level >= _options.LogToStandardErrorThreshold);
        text.Clear();
        if (text.Capacity > 1024) text.Capacity = 1024;
    }

    private sealed class Logger(BatchingConsoleLoggerProvider owner, string category) : ILogger, IBufferedLogger
    {
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            ArgumentNullException.ThrowIfNull(formatter);
            owner.Write(logLevel, category, eventId, state, exception, formatter, owner._scopes);
        }

        // As the framework's console logger: a buffered record is written with its own message and no scopes.
        public void LogRecords(IEnumerable<BufferedLogRecord> records)
        {
            ArgumentNullException.ThrowIfNull(records);
            foreach (var record in records)
                owner.Write(record.LogLevel, category, record.EventId, record, null, static (r, _) => r.FormattedMessage ?? string.Empty, null);
        }
    }

    // Until the factory hands over its scopes, as the framework's provider: a scope provider with none (the JSON formatter
    // writes an empty "Scopes" array for it, and nothing at all for a null one).
    private sealed class NoScopes : IExternalScopeProvider, IDisposable
    {
        public static readonly NoScopes Instance = new();
        public void ForEachScope<TState>(Action<object?, TState> callback, TState state) { }
        public IDisposable Push(object? state) => this;
        public void Dispose() { }
    }

    /// <summary>
    /// Where lines for one stream go: the <see cref="TextWriter"/> the provider was built with. When that is the console's
    /// own writer (not one set with <see cref="Console.SetOut"/>), the characters are encoded with its encoding and
    /// written to the stream under its lock: the same bytes, with no interleaving with other console writes, but one
    /// <c>write</c> call for a whole batch, where the console's writer makes one for every 256 characters.
    /// </summary>
    public sealed class ConsoleTarget
    {
        private readonly TextWriter _writer;
        private readonly Stream? _stream;
        private readonly Encoding? _encoding;
        private readonly Encoder? _encoder;
        private byte[] _bytes = [];

        /// <param name="consoleStream">The stream under <paramref name="writer"/>, to write to directly; null to write through it.</param>
        public ConsoleTarget(TextWriter writer, Stream? consoleStream)
        {
            _writer = writer;
            if (consoleStream is null) return;
            _encoding = writer.Encoding;
            _encoder = _encoding.GetEncoder();
            _stream = consoleStream;
        }

        public static ConsoleTarget For(TextWriter writer, Func<Stream> openConsoleStream) =>
            new(writer, IsConsoleOwnWriter(writer) ? openConsoleStream() : null);

        // The console makes its writers with its output encoding wrapped to write no preamble (ConsoleEncoding, an
        // internal type); a writer given to Console.SetOut has an encoding of its own. Anything unsure, such as a
        // console encoding without a preamble to remove, keeps the writer.
        public static bool IsConsoleOwnWriter(TextWriter writer) =>
            writer.Encoding.GetType().FullName == "System.Text.ConsoleEncoding" && writer.GetType().FullName == "System.IO.TextWriter+SyncTextWriter";

        public void Write(char[] chars, int start, int count)
        {
            if (_stream is null)
            {
                _writer.Write(chars, start, count);
                return;
            }
            var most = _encoding!.GetMaxByteCount(count);
            if (_bytes.Length < most) _bytes = new byte[Math.Max(most, 2 * _bytes.Length)];
            // The console's writer locks itself for each call (TextWriter.Synchronized): the same lock keeps other
            // console writes from landing inside this one.
            lock (_writer)
            {
                var length = _encoder!.GetBytes(chars, start, count, _bytes, 0, flush: false);
                _stream.Write(_bytes, 0, length);
            }
            if (_bytes.Length > 4 * 1024 * 1024) _bytes = [];
        }
    }

    /// <summary>Lines waiting for the writing thread, in one buffer, each with its stream; and that thread.</summary>
    private sealed class LineQueue : IDisposable
    {
        private readonly ConsoleTarget _out;
        private readonly ConsoleTarget _error;
        private readonly Thread _thread;
        private readonly object _lock = new();
        // Lines waiting: their characters back to back, and for each its length and stream. The two buffers are swapped
        // on each pass and keep the size they grew to (a pass under load holds a few milliseconds of lines): a buffer
        // made again for each pass would be a large-object allocation each time.
        private const int BufferSize = 64 * 1024;
        private const int MaxKeptBufferSize = 1024 * 1024;
        private char[] _pending = new char[BufferSize];
        private int _pendingLength;
        private List<(int Length, bool ToError)> _lines = [];
        // The writer's own pair, swapped with the above under the lock.
        private char[] _writing = new char[BufferSize];
        private List<(int Length, bool ToError)> _writingLines = [];
        private ConsoleLoggerQueueFullMode _fullMode;
        private int _maxLines;
        private int _dropped;
        private bool _writerIdle;
        private int _waitingForRoom;
        private bool _completed;

        public LineQueue(TextWriter output, TextWriter error, ConsoleLoggerQueueFullMode fullMode, int maxLines)
        {
            _out = ConsoleTarget.For(output, Console.OpenStandardOutput);
            _error = ConsoleTarget.For(error, Console.OpenStandardError);
            Configure(fullMode, maxLines);
            _thread = new Thread(WriteLines) { IsBackground = true, Name = "Console logger queue processing thread" };
            _thread.Start();
        }

        public void Configure(ConsoleLoggerQueueFullMode fullMode, int maxLines)
        {
            lock (_lock)
            {
                _fullMode = fullMode;
                _maxLines = maxLines;
                Monitor.PulseAll(_lock);
            }
        }

        public void Add(StringBuilder line, bool toError)
        {
            lock (_lock)
            {
                while (_lines.Count >= _maxLines && !_completed)
                {
                    if (_fullMode == ConsoleLoggerQueueFullMode.DropWrite)
                    {
                        _dropped++;
                        return;
                    }
                    _waitingForRoom++;
                    if (_writerIdle) Monitor.PulseAll(_lock);
                    Monitor.Wait(_lock);
                    _waitingForRoom--;
                }
                if (!_completed)
                {
                    if (_dropped > 0)
                    {
                        Append(string.Format(System.Globalization.CultureInfo.CurrentCulture, DropNotice + Environment.NewLine, _dropped), toError: true);
                        _dropped = 0;
                    }
                    Append(line, toError);
                    if (_writerIdle) Monitor.PulseAll(_lock);
                    return;
                }
            }
            // After disposal, as the framework's processor does: written here and now.
            var text = line.ToString();
            try { (toError ? _error : _out).Write(text.ToCharArray(), 0, text.Length); }
            catch { Complete(); }
        }

        private void Append(StringBuilder line, bool toError)
        {
            Reserve(line.Length);
            line.CopyTo(0, _pending.AsSpan(_pendingLength), line.Length);
            _pendingLength += line.Length;
            _lines.Add((line.Length, toError));
        }

        private void Append(string line, bool toError)
        {
            Reserve(line.Length);
            line.CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += line.Length;
            _lines.Add((line.Length, toError));
        }

        private void Reserve(int length)
        {
            if (_pendingLength + length <= _pending.Length) return;
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + length));
        }

        private void WriteLines()
        {
            while (true)
            {
                lock (_lock)
                {
                    while (_lines.Count == 0 && !_completed)
                    {
                        _writerIdle = true;
                        Monitor.Wait(_lock);
                    }
                    _writerIdle = false;
                    if (_lines.Count == 0) return;
                    (_pending, _writing) = (_writing, _pending);
                    (_lines, _writingLines) = (_writingLines, _lines);
                    _pendingLength = 0;
                    if (_waitingForRoom > 0) Monitor.PulseAll(_lock);
                }
                WriteBatch();
                // Let lines gather while the request threads go on: under load the next pass takes a batch, and no
                // line has to wake this thread. Idle, the first line wakes it and is written at once.
                if (!Volatile.Read(ref _completed)) Thread.Sleep(1);
            }
        }

        // Consecutive lines for one stream go out in one write. A failed write ends the queue, as the framework's does:
        // what is still queued is tried once more, and later lines are tried on the logging thread.
        private void WriteBatch()
        {
            var start = 0;
            var lines = _writingLines;
            for (var i = 0; i < lines.Count;)
            {
                var toError = lines[i].ToError;
                var run = 0;
                for (; i < lines.Count && lines[i].ToError == toError; i++) run += lines[i].Length;
                try { (toError ? _error : _out).Write(_writing, start, run); }
                catch { Complete(); }
                start += run;
            }
            lines.Clear();
            // After a burst far beyond the usual (a very long line, a stall of the console), back to the usual size.
            if (_writing.Length > MaxKeptBufferSize) _writing = new char[BufferSize];
        }

        private void Complete()
        {
            lock (_lock)
            {
                _completed = true;
                Monitor.PulseAll(_lock);
            }
        }

        public void Dispose()
        {
            Complete();
            try { _thread.Join(1500); }
            catch (ThreadStateException) { }
        }
    }
}
