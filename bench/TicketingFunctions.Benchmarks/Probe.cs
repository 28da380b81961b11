using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Benchmarks;

/// <summary>
/// <c>--probe [N]</c>: a quick, rough check between BenchmarkDotNet runs: N whole creates (cached RS256 token) through
/// the in-process pipeline after a warm-up, then the bytes each stage of a create allocates on its own. Allocation
/// is exact (GC.GetTotalAllocatedBytes); time is a wall-clock mean, so use BenchmarkDotNet for numbers to publish.
/// </summary>
public static class Probe
{
    /// <summary>With --log the app's console log has stdout (send it to /dev/null): the figures go to stderr.</summary>
    private static void Report(string line)
    {
        if (BenchHost.ConsoleLog) Console.Error.WriteLine(line);
        else Console.WriteLine(line);
    }

    public static async Task RunAsync(int count, bool createOnly = false)
    {
        var benchmark = new CreateBenchmarks { TokenCache = true };
        await benchmark.Setup();
        for (var i = 0; i < Math.Max(2000, count / 4); i++) await benchmark.Create();

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) await benchmark.Create();
        clock.Stop();
        // The process's CPU (every thread: the store's writer, GC) over creates run one at a time: less sensitive to
        // other processes on the machine than the wall clock, though their cache and scheduling effects still show.
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        Report($"create (in process, cached token): {bytes / (double)count / 1024:F2} KB allocated, {clock.Elapsed.TotalMicroseconds / count:F1} us wall and {cpu.TotalMicroseconds / count:F1} us CPU per create over {count}");
        await benchmark.Cleanup();
        await ConcurrentCreatesAsync(count);
        if (createOnly) return;

        await StagesAsync();
        await ListPagesAsync(count);
    }

    /// <summary>
    /// Creates from 32 concurrent callers, as wrk's 32 connections send them, so that the store's writer groups their
    /// commits as under load: the process's CPU and allocation per create without sockets, HTTP parsing or logging.
    /// </summary>
    private static async Task ConcurrentCreatesAsync(int count)
    {
        const int callers = 32;
        await using var host = await BenchHost.StartAsync();
        var authorization = "Bearer " + BenchHost.MintRs256();
        async Task Run(int each)
        {
            var response = new MemoryStream();
            for (var i = 0; i < each; i++)
            {
                response.SetLength(0);
                var status = await host.Server.ProcessAsync(BenchHost.CreateRequest(authorization, response));
                if (status != 200) throw new InvalidOperationException($"Create answered {status}");
            }
        }
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(() => Run(Math.Max(100, count / 4 / callers)))));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var each = Math.Max(1, count / callers);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(() => Run(each))));
        clock.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var total = each * callers;
        Report($"create, {callers} concurrent callers (in process, cached token): {(GC.GetTotalAllocatedBytes(precise: true) - before) / (double)total / 1024:F2} KB allocated, {clock.Elapsed.TotalMicroseconds / total:F1} us wall and {cpu.TotalMicroseconds / total:F1} us CPU per create over {total}");
    }

    /// <summary>
    /// Page 1 and page 400 of a team's queue (25 a page) after seeding tickets (20 per count, at least the 10,000 page
    /// 400 needs, at most ListBenchmarks' 100,000): rough time and exact allocation of each, and their ratio.
    /// </summary>
    private static async Task ListPagesAsync(int count)
    {
        var tickets = Math.Clamp(count * 20, 10_000, ListBenchmarks.Tickets);
        var pages = new Dictionary<int, (double Microseconds, double Kilobytes)>();
        foreach (var page in new[] { 1, 400 })
        {
            var benchmark = new ListPageProbe(tickets, page);
            await benchmark.SetupAsync();
            var runs = Math.Max(500, count);
            for (var i = 0; i < runs / 2; i++) await benchmark.ListAsync();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < runs; i++) await benchmark.ListAsync();
            clock.Stop();
            pages[page] = (clock.Elapsed.TotalMicroseconds / runs, (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)runs / 1024);
            if (page == 1) await benchmark.StagesAsync(runs);
            await benchmark.DisposeAsync();
        }
        foreach (var (page, (us, kb)) in pages)
            Report($"list page {page} of {tickets} tickets (in process, 25 a page): {us:F1} us, {kb:F2} KB allocated");
        Report($"list page 400 / page 1: time {pages[400].Microseconds / pages[1].Microseconds:F2}, allocation {pages[400].Kilobytes / pages[1].Kilobytes:F2}");
    }

    private sealed class ListPageProbe(int tickets, int page) : IAsyncDisposable
    {
        private BenchHost _host = null!;
        private string _authorization = null!;
        private string _query = null!;
        private readonly MemoryStream _response = new();

        public async Task SetupAsync()
        {
            _authorization = "Bearer " + BenchHost.MintRs256();
            _host = await BenchHost.StartAsync();
            await _host.SeedAsync(_authorization, tickets);
            var token = await _host.TokenForPageAsync(_authorization, ListBenchmarks.Query, page);
            _query = token is null ? ListBenchmarks.Query : $"{ListBenchmarks.Query}&continuationToken={token}";
        }

        public async Task ListAsync()
        {
            _response.SetLength(0);
            var status = await _host.Server.ProcessAsync(BenchHost.ListRequest(_authorization, _query, _response));
            if (status != 200) throw new InvalidOperationException($"List answered {status}");
        }

        /// <summary>
        /// Page 1's parts on their own: the store's page (index search, filters, the tickets' stored JSON), then the
        /// JSON response written from it; and, for comparison, the plain path: parsing the 25 tickets and serializing them.
        /// </summary>
        public async Task StagesAsync(int runs)
        {
            var store = _host.App.Services.GetRequiredService<ITicketStore>();
            var query = new TicketingFunctions.Tickets.Listing.TicketListQuery(BenchHost.Tenant,
                [new TicketingFunctions.Tickets.Listing.AnyOfFilter(TicketingFunctions.Tickets.Listing.TicketField.TeamId, ["james"])],
                TicketingFunctions.Tickets.Listing.TicketSort.CreatedAt, true, 25) { IncludeData = false };
            var page = await store.ListTicketsAsync(query, default);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < runs; i++) page = await store.ListTicketsAsync(query, default);
            var storeUs = clock.Elapsed.TotalMicroseconds / runs;

            var buffer = new System.Buffers.ArrayBufferWriter<byte>(32 * 1024);
            var json = page.StoredJson ?? throw new InvalidOperationException("The embedded store gave no JSON for the page");
            clock.Restart();
            for (var i = 0; i < runs; i++)
            {
                buffer.ResetWrittenCount();
                TicketListJson.WritePage(buffer, json, includeData: false, "x");
            }
            var jsonUs = clock.Elapsed.TotalMicroseconds / runs;

            clock.Restart();
            for (var i = 0; i < runs; i++)
            {
                buffer.ResetWrittenCount();
                using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ApiJsonContext.ResponseEncoder, SkipValidation = true });
                JsonSerializer.Serialize(writer, new TicketListResponse([.. page.Tickets], "x"), TicketListJson.WithoutData);
            }
            var plainUs = clock.Elapsed.TotalMicroseconds / runs;
            Report($"  of which the store's page (index + the 25 tickets' stored JSON): {storeUs:F1} us; the JSON response written from it ({buffer.WrittenCount} bytes): {jsonUs:F1} us");
            Report($"  the plain path instead (parse the 25 tickets, data skipped, and serialize them): {plainUs:F1} us");
        }

        public ValueTask DisposeAsync() => _host.DisposeAsync();
    }

    private static async Task StagesAsync()
    {
        await using var host = await BenchHost.StartAsync();
        var services = host.App.Services;
        var token = BenchHost.MintRs256();
        var authorization = "Bearer " + token;
        var response = new MemoryStream();
        const int n = 5000;

        async Task Measure(string name, Func<Task> stage)
        {
            for (var i = 0; i < 500; i++) await stage();
            var start = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < n; i++) await stage();
            Report($"  {name,-58} {(GC.GetTotalAllocatedBytes(precise: true) - start) / (double)n,8:F0} B");
        }

        Report("allocated per call, by stage:");
        await Measure("harness: request features + response stream", () =>
        {
            response.SetLength(0);
            _ = BenchHost.CreateRequest(authorization, response);
            return Task.CompletedTask;
        });
        await Measure("pipeline to a 404 (no endpoint), incl. harness", async () =>
        {
            response.SetLength(0);
            var features = BenchHost.CreateRequest(authorization, response);
            ((HttpRequestFeature)features.Get<IHttpRequestFeature>()!).Path = "/api/nothing-here";
            await host.Server.ProcessAsync(features);
        });
        await Measure("DI scope + DefaultHttpContext + two headers", async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            context.Request.Headers.Authorization = authorization;
            context.Request.Headers[RealmAuthentication.RealmHeader] = BenchHost.Realm;
        });
        var authenticator = services.GetRequiredService<RequestAuthenticator>();
        await Measure("  + RequestAuthenticator (cached token)", async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            context.Request.Headers.Authorization = authorization;
            context.Request.Headers[RealmAuthentication.RealmHeader] = BenchHost.Realm;
            await authenticator.AuthenticateAsync(context);
        });

        var catalogs = services.GetRequiredService<CatalogProvider>();
        var catalog = (await catalogs.GetAsync(BenchHost.Tenant, default))!;
        var type = catalog.FindType("16910")!;
        var reader = services.GetRequiredService<JsonBodyReader>();
        await Measure("catalog lookup (cached)", () => catalogs.GetAsync(BenchHost.Tenant, default));
        await Measure("JsonBodyReader.ReadAsync (bounded read + scan + parse)", async () =>
        {
            using var document = (await reader.ReadAsync(new MemoryStream(BenchHost.CreateBody, false), BenchHost.CreateBody.Length, "application/json", default)).Value!;
        });
        await Measure("  + TicketValidator.Validate", async () =>
        {
            using var document = (await reader.ReadAsync(new MemoryStream(BenchHost.CreateBody, false), BenchHost.CreateBody.Length, "application/json", default)).Value!;
            TicketValidator.Validate(document.RootElement, catalog, type, new ValidationErrors());
        });

        var body = new BodyBenchmarks();
        await body.Setup();
        await Measure("BuildAndSerialize (benchmark: input, factory, JSON)", () => { body.BuildAndSerialize(); return Task.CompletedTask; });

        var store = services.GetRequiredService<ITicketStore>();
        var caller = new Caller(BenchHost.Tenant, BenchHost.Realm, "u", "u@example.com", "J", "D",
            new HashSet<string> { "ticket_user" }, new HashSet<string> { "tickets:write" }, new HashSet<string> { "james" });
        await Measure("store: next number + create (ticket prebuilt per call)", async () =>
        {
            var number = await store.NextDisplayNumberAsync(BenchHost.Tenant, "PRB", default);
            var ticket = new Ticket
            {
                Id = "x" + number.Serial, TenantId = BenchHost.Tenant, ObjectId = "PRB-" + number.Number, Etag = "e", Summary = "s",
                Data = [], LookupProps = new LookupProps("james", "16910"), StatusType = "Open", StatusCategory = "c",
                CreatedAt = "t", UpdatedAt = "t", Source = "api", CatalogType = "template", Module = "m",
            };
            await store.CreateTicketAsync(ticket, default);
        });
        _ = JsonSerializer.Serialize(caller.Username);
    }
}
