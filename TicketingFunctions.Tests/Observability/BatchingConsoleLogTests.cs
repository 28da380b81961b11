using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using TicketingFunctions.Api;
using TicketingFunctions.Hosting;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Observability;

/// <summary>
/// These tests point <see cref="Console.Out"/> and <see cref="Console.Error"/> at writers of their own while a provider
/// is built: no other test may build a host meanwhile, or its console log would land in them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleRedirection
{
    public const string Name = "Console redirection";
}

/// <summary>
/// <see cref="BatchingConsoleLoggerProvider"/> writes what <see cref="ConsoleLoggerProvider"/> writes, byte for byte:
/// the same events through each, for each formatter and option the configuration can choose, captured from the
/// console writers each provider takes when it is built.
/// </summary>
[Collection(ConsoleRedirection.Name)]
public sealed class BatchingConsoleLogTests
{
    public static TheoryData<string> Configurations() =>
    [
        "simple as the standalone host has it",
        "simple, several lines, no scopes",
        "simple, colours forced, a timestamp, stderr from Warning",
        "json, scopes, a timestamp",
        "json, indented, no scopes",
        "systemd, scopes, a timestamp, stderr from Error",
    ];

    private static void Configure(string configuration, ILoggingBuilder logging)
    {
        switch (configuration)
        {
            case "simple as the standalone host has it":
                logging.AddSimpleConsole(o => { o.SingleLine = true; o.IncludeScopes = true; });
                break;
            case "simple, several lines, no scopes":
                logging.AddSimpleConsole(o => { o.SingleLine = false; o.IncludeScopes = false; });
                break;
            case "simple, colours forced, a timestamp, stderr from Warning":
                // A timestamp format of literals only, so that both runs print the same one.
                logging.AddSimpleConsole(o => { o.SingleLine = true; o.IncludeScopes = true; o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Enabled; o.TimestampFormat = "'at' "; });
                logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Warning);
                break;
            case "json, scopes, a timestamp":
                logging.AddJsonConsole(o => { o.IncludeScopes = true; o.TimestampFormat = "'stamp'"; });
                break;
            case "json, indented, no scopes":
                logging.AddJsonConsole(o => { o.IncludeScopes = false; o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = true }; });
                break;
            case "systemd, scopes, a timestamp, stderr from Error":
                logging.AddSystemdConsole(o => { o.IncludeScopes = true; o.TimestampFormat = "'t' "; });
                logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Error);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(configuration));
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Every_line_is_written_byte_for_byte_as_the_framework_s_console_provider_writes_it(string configuration)
    {
        // One activity for both runs: its ids are in every line (the host's activity tracking), and random per activity.
        using var activity = new Activity("request").Start();

        var (framework, frameworkProvider) = Capture(configuration, batching: false, WriteEvents);
        var (batched, batchedProvider) = Capture(configuration, batching: true, WriteEvents);

        Assert.Equal(typeof(ConsoleLoggerProvider), frameworkProvider);
        Assert.Equal(typeof(BatchingConsoleLoggerProvider), batchedProvider);
        Assert.True(framework.Length > 20_000, framework);
        Assert.Equal(framework, batched);
    }

    [Fact]
    public void Lines_that_find_the_queue_full_are_dropped_and_counted_on_stderr_as_the_framework_s_provider_does()
    {
        static void Scenario(ILoggerFactory factory, BlockingWriter writer)
        {
            var logger = factory.CreateLogger("Drops");
            logger.LogInformation("first");
            writer.Entered.Wait(TimeSpan.FromSeconds(30));  // the writing thread holds "first" and is stuck in the console
            logger.LogInformation("second");                // waits: the queue's one place
            logger.LogInformation("third");                 // dropped
            logger.LogInformation("fourth");                // dropped
            writer.Release.Set();
            Assert.True(writer.WaitFor("second"), writer.Text);
            logger.LogInformation("fifth");                 // room again: the notice first, then the line
        }

        string Run(bool batching)
        {
            var writer = new BlockingWriter();
            var (text, _) = Capture(writer, logging =>
            {
                logging.AddSimpleConsole(o => o.SingleLine = true);
                logging.Services.Configure<ConsoleLoggerOptions>(o => { o.MaxQueueLength = 1; o.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite; });
            }, batching, factory => Scenario(factory, writer));
            return text;
        }

        var framework = Run(batching: false);
        var batched = Run(batching: true);

        Assert.Contains("2 message(s) dropped because of queue size limit.", framework);
        Assert.Equal(framework, batched);
        Assert.DoesNotContain("third", batched);
    }

    [Fact]
    public void A_configuration_with_no_formatter_name_keeps_the_framework_s_provider()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddConsole());
        BatchingConsoleLoggerProvider.UseInsteadOfConsoleProvider(services);
        using var provider = services.BuildServiceProvider();

        Assert.IsType<ConsoleLoggerProvider>(Assert.Single(provider.GetServices<ILoggerProvider>()));
    }

    [Fact]
    public async Task The_standalone_host_logs_through_the_batching_provider_only()
    {
        await using var api = await TestApi.StartAsync();

        var providers = api.Services.GetServices<ILoggerProvider>().ToList();

        Assert.Single(providers.OfType<BatchingConsoleLoggerProvider>());
        Assert.Empty(providers.OfType<ConsoleLoggerProvider>());
    }

    // stdout and stderr into one text, each line from stderr marked: the stream of each line and the order of lines
    // across the two streams are part of what is compared.
    [Fact]
    public void Batches_written_to_the_console_s_stream_are_the_bytes_its_writer_makes()
    {
        // A writer made as the console makes its own: UTF-8 with the preamble removed, 256 characters of buffer,
        // flushed on every write, synchronized.
        var text = string.Concat(Enumerable.Range(0, 400).Select(i =>
            $"info: Category[{i}] => scope ünïcödé 漢字 😀 tab\t {new string('x', i % 300)} lone \ud800 and \udc00 surrogates\n"));
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var viaWriter = new MemoryStream();
        var writer = TextWriter.Synchronized(new StreamWriter(viaWriter, encoding, 256, leaveOpen: true) { AutoFlush = true });
        var viaStream = new MemoryStream();
        var target = new BatchingConsoleLoggerProvider.ConsoleTarget(writer, viaStream);

        var chars = text.ToCharArray();
        // Batches of whole lines, of every size, as the writing thread hands them over.
        for (int start = 0, lines = 1; start < chars.Length; lines++)
        {
            var end = start;
            for (var n = 0; n < lines && end < chars.Length; n++) end = Array.IndexOf(chars, '\n', end) + 1;
            writer.Write(chars, start, end - start);
            target.Write(chars, start, end - start);
            start = end;
        }

        Assert.Equal(viaWriter.ToArray(), viaStream.ToArray());
        Assert.Equal(encoding.GetBytes(text), viaStream.ToArray());
    }

    [Fact]
    public void Only_the_console_s_own_writer_is_bypassed()
    {
        Assert.False(BatchingConsoleLoggerProvider.ConsoleTarget.IsConsoleOwnWriter(TextWriter.Synchronized(new StringWriter())));
        Assert.False(BatchingConsoleLoggerProvider.ConsoleTarget.IsConsoleOwnWriter(
            TextWriter.Synchronized(new StreamWriter(new MemoryStream(), new UTF8Encoding(false)))));
    }

    private static (string Text, Type Provider) Capture(string configuration, bool batching, Action<ILoggerFactory> write)
    {
        var text = new StringBuilder();
        var (_, type) = Capture(new StringWriter(text), new StderrWriter(text), logging => Configure(configuration, logging), batching, write);
        return (text.ToString(), type);
    }

    private static (string Text, Type Provider) Capture(TextWriter writer, Action<ILoggingBuilder> configure, bool batching, Action<ILoggerFactory> write) =>
        Capture(writer, writer, configure, batching, write);

    private static (string Text, Type Provider) Capture(TextWriter writer, TextWriter errorWriter, Action<ILoggingBuilder> configure, bool batching,
        Action<ILoggerFactory> write)
    {
        var (output, error) = (Console.Out, Console.Error);
        Console.SetOut(writer);
        Console.SetError(errorWriter);
        try
        {
            var services = new ServiceCollection();
            services.AddLogging(logging =>
            {
                logging.SetMinimumLevel(LogLevel.Trace);
                logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.SpanId | ActivityTrackingOptions.TraceId | ActivityTrackingOptions.ParentId);
                configure(logging);
            });
            if (batching) BatchingConsoleLoggerProvider.UseInsteadOfConsoleProvider(services);
            Type type;
            using (var provider = services.BuildServiceProvider())
            {
                type = Assert.Single(provider.GetServices<ILoggerProvider>()).GetType();
                write(provider.GetRequiredService<ILoggerFactory>());
            }   // disposing the provider writes what is still queued
            return (writer.ToString()!, type);
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
        }
    }

    private static void WriteEvents(ILoggerFactory factory)
    {
        var app = factory.CreateLogger("TicketingFunctions.Services.CreateTicketService");
        var framework = factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        Exception thrown;
        try { throw new InvalidOperationException("outer\nsecond line", new FormatException("inner é")); }
        catch (Exception ex) { thrown = ex; }

        foreach (var level in new[] { LogLevel.Trace, LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical })
            app.Log(level, new EventId(7, "Named"), "Level {Level} line {Number} at {When}", level, 12345.678, new DateTimeOffset(2026, 12, 6, 5, 0, 0, TimeSpan.Zero));

        using (app.BeginScope(new LogScope("CorrelationId", "b017e99c-8fb9-45b3-9542-745e591c6277")))
        using (app.BeginScope(new LogScope("TenantId", "820188ff-2036-4924-b80f-d11610735d86")))
        {
            app.LogInformation("Created ticket {ObjectId} of type {ItemTypeId} for team {TeamId}", "CTC-1", "16910", "james");
            using (app.BeginScope(new Dictionary<string, object> { ["TenantId"] = "t", ["ObjectId"] = "CTC-2" }))
            using (app.BeginScope<object>("a plain string scope with {braces} and\nanother line"))
            {
                app.Log(LogLevel.Warning, "Several\nlines\r\nof a message, tab\there, ünïcödé, 漢字 and an emoji 😀 and a lone \ud800 surrogate");
                app.LogError(thrown, "Failed with {ExceptionType}", thrown.GetType().Name);
                app.LogCritical(thrown, "");
            }
            framework.LogInformation("Control characters: \u001b[31mred\u001b[0m \u0007 bell \0 nul");
        }
        app.Log(LogLevel.Information, 0, "state with no message", null, static (_, _) => "");
        app.Log(LogLevel.Information, 0, "no message but an exception", thrown, static (_, _) => null!);
        app.LogInformation(new string('x', 40_000) + " one long line");
        for (var i = 0; i < 300; i++) app.LogInformation("Line {Index} of a burst", i);
    }

    /// <summary>
    /// Appends to the shared text with every line marked. Both providers hand a console whole lines only (one at a time,
    /// or several), so the marks fall alike.
    /// </summary>
    private sealed class StderrWriter(StringBuilder text) : TextWriter
    {
        private bool _lineStart = true;
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value)
        {
            if (_lineStart) text.Append("[stderr] ");
            text.Append(value);
            _lineStart = value == '\n';
        }
    }

    /// <summary>A console whose first write waits until released, as a stuck terminal or a full pipe would.</summary>
    private sealed class BlockingWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        private bool _blocked;
        public ManualResetEventSlim Entered { get; } = new();
        public ManualResetEventSlim Release { get; } = new();
        private readonly object _lock = new();

        public override Encoding Encoding => Encoding.UTF8;
        public string Text { get { lock (_lock) return _text.ToString(); } }

        public override void Write(char value) => Append(value.ToString());
        public override void Write(string? value) => Append(value ?? "");
        public override void Write(char[] buffer, int index, int count) => Append(new string(buffer, index, count));
        public override void Write(ReadOnlySpan<char> buffer) => Append(new string(buffer));

        private void Append(string text)
        {
            if (!_blocked)
            {
                _blocked = true;
                Entered.Set();
                Release.Wait(TimeSpan.FromSeconds(30));
            }
            lock (_lock)
            {
                _text.Append(text);
                Monitor.PulseAll(_lock);
            }
        }

        public bool WaitFor(string text)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            lock (_lock)
            {
                while (!_text.ToString().Contains(text, StringComparison.Ordinal))
                    if (!Monitor.Wait(_lock, deadline - DateTime.UtcNow > TimeSpan.Zero ? deadline - DateTime.UtcNow : TimeSpan.Zero)) return false;
                return true;
            }
        }

        public override string ToString() => Text;
    }
}
