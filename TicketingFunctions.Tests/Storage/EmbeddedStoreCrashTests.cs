using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using TicketingFunctions.Auth;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Storage;

/// <summary>
/// The durable embedded store under a kill: the app runs as a child process (the standalone host, on its own data
/// folder), takes a create/update load with Idempotency-Keys, is killed with SIGKILL mid-load, and restarts on the
/// same folder. Then every acknowledged write reads back, no display id was given twice, and every key settles once.
/// Synchronization is on what the child prints and answers; every loop is bounded.
/// </summary>
public sealed partial class EmbeddedStoreCrashTests : IDisposable
{
    private const int Workers = 8;
    private const int AcknowledgedCreatesBeforeKill = 120;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly string _folder = TestDataFolders.New();
    private readonly AuthOptions _auth = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Auth:IssuerTemplate"] = "http://localhost:7071/realms/{realm}",
        ["Auth:AllowedRealms"] = "demo",
        ["Auth:Audience"] = "ticketing-api",
        ["Auth:DevSigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    }).Build().GetSection(AuthOptions.SectionName).Get<AuthOptions>()!;

    public void Dispose() => TestDataFolders.Delete(_folder);

    [GeneratedRegex(@"is listening on (http://[^\s,]+)")]
    private static partial Regex ListeningLine();

    private sealed class ChildApp(Process process, Uri baseAddress) : IDisposable
    {
        public Process Process { get; } = process;
        public HttpClient Client { get; } = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

        public void Dispose()
        {
            Client.Dispose();
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
            Process.Dispose();
        }
    }

    /// <summary>The built app (its dll is in the test's output) on a free loopback port, answered once it says where it listens.</summary>
    private async Task<ChildApp> StartAppAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "TicketingFunctions.dll"), "--urls", "http://127.0.0.1:0", "--environment", "Testing" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _folder,
        };
        start.Environment["Storage__DataPath"] = _folder;
        start.Environment["CosmosDb__Endpoint"] = "";
        start.Environment["Attachments__BlobServiceUri"] = "";
        start.Environment["Attachments__BlobConnectionString"] = "";
        start.Environment["Auth__IssuerTemplate"] = _auth.IssuerTemplate;
        start.Environment["Auth__AllowedRealms"] = _auth.AllowedRealms;
        start.Environment["Auth__Audience"] = _auth.Audience;
        start.Environment["Auth__DevSigningKey"] = _auth.DevSigningKey;
        var process = Process.Start(start)!;
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (ListeningLine().Match(line) is { Success: true } match)
                {
                    // Keep draining its output so that the child never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                    return new ChildApp(process, new Uri(match.Groups[1].Value));
                }
            }
        }
        catch (OperationCanceledException) { }
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        lock (errors) throw new InvalidOperationException($"The app did not start (exit {process.ExitCode}): {errors}");
    }

    private string Token() => DevTokenIssuer.Issue(_auth, new DevTokenRequest(TestApi.Tenant, TestApi.Realm, ["ticket_user"], ["james"],
        "tickets:read tickets:write", Subject: "crash-user"));

    private string AdminToken() => DevTokenIssuer.Issue(_auth, new DevTokenRequest(TestApi.Tenant, TestApi.Realm, ["tenant_admin"], ["james"],
        "tickets:read", Subject: "crash-admin"));

    private HttpRequestMessage Request(HttpMethod method, string path, string? body = null, string? token = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token());
        request.Headers.TryAddWithoutValidation("x-tenantid", TestApi.Tenant);
        request.Headers.TryAddWithoutValidation("realmname", TestApi.Realm);
        request.Headers.TryAddWithoutValidation("issupportrequest", "false");
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }

    private HttpRequestMessage Create(string key)
    {
        var request = Request(HttpMethod.Post, TestApi.CreatePath, Bodies.Example(b => b["summary"] = key));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return request;
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>What the load was told (acknowledged) and what it asked without an answer.</summary>
    private sealed class Ledger
    {
        public readonly ConcurrentDictionary<string, string> AcknowledgedKeys = new();        // key → object id
        public readonly ConcurrentDictionary<string, byte> UnansweredKeys = new();
        /// <summary>Per ticket, the summaries it may have: the last acknowledged one, and one unanswered update after it.</summary>
        public readonly ConcurrentDictionary<string, (string Acknowledged, string? Unanswered)> Summaries = new();
        public readonly ConcurrentDictionary<string, byte> AcknowledgedUpdates = new();
        public int AcknowledgedCreates;
        public readonly TaskCompletionSource Enough = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task LoadAsync(HttpClient client, int worker, Ledger ledger, CancellationToken stop)
    {
        for (var i = 0; i < 10_000 && !stop.IsCancellationRequested; i++)
        {
            var key = $"crash-{worker}-{i}";
            HttpResponseMessage created;
            try { created = await client.SendAsync(Create(key)); }
            catch (Exception) { ledger.UnansweredKeys[key] = 0; return; }
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            var ticket = (await JsonOf(created)).GetProperty("ticket");
            var objectId = ticket.GetProperty("object_id").GetString()!;
            ledger.AcknowledgedKeys[key] = objectId;
            ledger.Summaries[objectId] = (key, null);
            if (Interlocked.Increment(ref ledger.AcknowledgedCreates) == AcknowledgedCreatesBeforeKill) ledger.Enough.TrySetResult();

            var summary = key + " updated";
            ledger.Summaries[objectId] = (key, summary);
            var patch = Request(HttpMethod.Patch, TicketLifecycleApi.UpdatePath(objectId),
                TicketLifecycleApi.Patch(ticket.GetProperty("etag").GetString(), $"\"summary\":{JsonSerializer.Serialize(summary)}"));
            HttpResponseMessage updated;
            try { updated = await client.SendAsync(patch); }
            catch (Exception) { return; }
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            ledger.Summaries[objectId] = (summary, null);
            ledger.AcknowledgedUpdates[objectId] = 0;
        }
    }

    private static async Task<List<JsonElement>> AllTicketsAsync(Func<string, HttpRequestMessage> list, HttpClient client)
    {
        var all = new List<JsonElement>();
        string? next = null;
        for (var page = 0; page < 1_000; page++)
        {
            var response = await client.SendAsync(list(next is null ? "" : $"?continuationToken={Uri.EscapeDataString(next)}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await JsonOf(response);
            all.AddRange(json.GetProperty("tickets").EnumerateArray());
            var following = json.GetProperty("continuationToken");
            if (following.ValueKind == JsonValueKind.Null) return all;
            next = following.GetString();
        }
        throw new InvalidOperationException("The listing never ended.");
    }

    [Fact]
    public async Task After_a_sigkill_under_load_every_acknowledged_write_reads_back_no_display_id_repeats_and_every_key_settles_once()
    {
        var ledger = new Ledger();
        using (var app = await StartAppAsync())
        {
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, Workers).Select(w => Task.Run(() => LoadAsync(app.Client, w, ledger, stop.Token))).ToList();
            // Killed as soon as enough creates were acknowledged, while every worker still has a request in flight.
            var first = await Task.WhenAny(ledger.Enough.Task, Task.WhenAll(load)).WaitAsync(TimeSpan.FromMinutes(5));
            Assert.True(first == ledger.Enough.Task, first.Exception?.ToString() ?? "the load ended before the kill");
            app.Process.Kill();   // SIGKILL: no shutdown, no flush
            stop.Cancel();
            await Task.WhenAll(load);
            await app.Process.WaitForExitAsync();
        }
        Assert.True(ledger.AcknowledgedCreates >= AcknowledgedCreatesBeforeKill);

        using var restarted = await StartAppAsync();
        var client = restarted.Client;

        // Every acknowledged create and update reads back (an unanswered update may have landed too).
        foreach (var (objectId, (acknowledged, unanswered)) in ledger.Summaries)
        {
            var response = await client.SendAsync(Request(HttpMethod.Get, TicketLifecycleApi.TicketPath(objectId)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var summary = (await JsonOf(response)).GetProperty("ticket").GetProperty("summary").GetString();
            Assert.True(summary == acknowledged || summary == unanswered, $"{objectId}: {summary}, acknowledged {acknowledged}");
        }

        // Every acknowledged key replays its ticket; an unanswered one answers once (a ticket, or still in progress).
        foreach (var (key, objectId) in ledger.AcknowledgedKeys)
        {
            var replay = await client.SendAsync(Create(key));
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Equal(objectId, (await JsonOf(replay)).GetProperty("ticket").GetProperty("object_id").GetString());
        }
        foreach (var key in ledger.UnansweredKeys.Keys)
        {
            var retry = await client.SendAsync(Create(key));
            Assert.True(retry.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{key}: {(int)retry.StatusCode}");
            if (retry.StatusCode == HttpStatusCode.OK)
            {
                var again = await client.SendAsync(Create(key));
                Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
            }
        }
        var after = new[] { await client.SendAsync(Create("after-restart-1")), await client.SendAsync(Create("after-restart-2")) };
        Assert.All(after, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var tickets = await AllTicketsAsync(query => Request(HttpMethod.Get, TicketListApi.ListPath + query), client);
        var objectIds = tickets.Select(t => t.GetProperty("object_id").GetString()!).ToList();
        var serials = tickets.Select(t => t.GetProperty("id_serial").GetInt64()).ToList();
        Assert.Equal(objectIds.Count, objectIds.Distinct().Count());
        Assert.Equal(serials.Count, serials.Distinct().Count());
        Assert.Subset(objectIds.ToHashSet(), ledger.AcknowledgedKeys.Values.ToHashSet());
        // One ticket per key at most, whatever became of its first request: summaries carry the key (updates append to it).
        var perKey = tickets.GroupBy(t => t.GetProperty("summary").GetString()!.Replace(" updated", "", StringComparison.Ordinal));
        Assert.All(perKey, group => Assert.Single(group));
        Assert.All(ledger.AcknowledgedKeys.Keys, key => Assert.Contains(key, perKey.Select(g => g.Key)));

        // Every acknowledged write's events are in the feed (written in the write's own commit), once, and per ticket
        // in version order.
        var events = new List<JsonElement>();
        var cursor = "";
        for (var page = 0; page < 1_000; page++)
        {
            var response = await client.SendAsync(Request(HttpMethod.Get, "/api/v2/ticketing/events?pageSize=200" + cursor, token: AdminToken()));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await JsonOf(response);
            events.AddRange(json.GetProperty("events").EnumerateArray());
            cursor = "&after=" + json.GetProperty("cursor").GetString();
            if (!json.GetProperty("hasMore").GetBoolean()) break;
        }
        var told = events.Select(e => (Type: e.GetProperty("type").GetString()!, Subject: e.GetProperty("subject").GetString()!, Sequence: e.GetProperty("sequence").GetInt32())).ToList();
        Assert.Equal(events.Count, events.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        foreach (var objectId in ledger.AcknowledgedKeys.Values) Assert.Contains(("ticket.created", objectId, 1), told);
        foreach (var objectId in ledger.AcknowledgedUpdates.Keys) Assert.Contains(("ticket.updated", objectId, 2), told);
        foreach (var ticket in told.GroupBy(e => e.Subject))
            Assert.True(ticket.Zip(ticket.Skip(1)).All(p => p.First.Sequence <= p.Second.Sequence), $"{ticket.Key}: sequence went back");
    }
}
