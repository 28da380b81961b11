using System.Text.RegularExpressions;

namespace TicketingFunctions.Tests.FirstHour;

/// <summary>
/// The console log of the app as a process, its stdout a pipe: the console's own writer, which the standalone host's
/// log writes to in batches of bytes (<see cref="TicketingFunctions.Hosting.BatchingConsoleLoggerProvider"/>).
/// </summary>
public sealed partial class ConsoleLogProcessTests
{
    [Fact]
    public async Task Every_request_s_line_reaches_stdout_once_whole_and_unmixed_under_concurrent_requests()
    {
        using var app = AppProcess.Start(null, "--urls", "http://127.0.0.1:0");
        var listening = await app.LineAsync(l => l.Contains("is listening on http://127.0.0.1:", StringComparison.Ordinal));
        using var client = new HttpClient { BaseAddress = new Uri(Address().Match(listening).Value) };
        const int requests = 400;

        await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/ticketing/ticket-type");
            request.Headers.Add("x-correlation-id", $"line-{i}");
            using var response = await client.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        }));
        for (var i = 0; i < requests; i++)
        {
            var suffix = $" correlation line-{i} tenant -";
            await app.LineAsync(l => l.EndsWith(suffix, StringComparison.Ordinal));
        }

        var lines = app.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Contains("RequestLog", StringComparison.Ordinal)).ToList();
        Assert.True(lines.All(RequestLine().IsMatch), lines.FirstOrDefault(l => !RequestLine().IsMatch(l)));
        Assert.Equal(requests, lines.Select(l => RequestLine().Match(l).Groups["id"].Value).Distinct().Count());
        Assert.Equal(requests, lines.Count);
    }

    [Fact]
    public async Task A_configured_console_formatter_name_is_the_one_the_standalone_host_writes_with()
    {
        using var app = AppProcess.Start(new Dictionary<string, string> { ["Logging__Console__FormatterName"] = "json" }, "--urls", "http://127.0.0.1:0");
        var listening = await app.LineAsync(l => l.Contains("is listening on http://127.0.0.1:", StringComparison.Ordinal));
        using var client = new HttpClient { BaseAddress = new Uri(Address().Match(listening).Value) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/ticketing/ticket-type");
        request.Headers.Add("x-correlation-id", "json-line");
        using var response = await client.SendAsync(request);

        var line = await app.LineAsync(l => l.Contains("json-line", StringComparison.Ordinal) && l.Contains("RequestLog", StringComparison.Ordinal));
        using var entry = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal("TicketingFunctions.Hosting.RequestLog", entry.RootElement.GetProperty("Category").GetString());
        Assert.Equal("Information", entry.RootElement.GetProperty("LogLevel").GetString());
        Assert.Contains("json-line", entry.RootElement.GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex Address();

    [GeneratedRegex(@"^info: TicketingFunctions\.Hosting\.RequestLog\[1\] => SpanId:[0-9a-f]{16}, TraceId:[0-9a-f]{32}, ParentId:0{16} => ConnectionId:[0-9A-Z]+ => RequestPath:/api/v2/ticketing/ticket-type RequestId:[0-9A-Z:]+ GET /api/v2/ticketing/ticket-type 401 \d+ ms correlation line-(?<id>\d+) tenant -$")]
    private static partial Regex RequestLine();
}
