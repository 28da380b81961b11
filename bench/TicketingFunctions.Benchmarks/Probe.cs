using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Api;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
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
    public static async Task RunAsync(int count)
    {
        var benchmark = new CreateBenchmarks { TokenCache = true };
        await benchmark.Setup();
        for (var i = 0; i < Math.Max(2000, count / 4); i++) await benchmark.Create();

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) await benchmark.Create();
        clock.Stop();
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine($"create (in process, cached token): {bytes / (double)count / 1024:F2} KB allocated, {clock.Elapsed.TotalMicroseconds / count:F1} us per create over {count}");
        await benchmark.Cleanup();

        await StagesAsync();
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
            Console.WriteLine($"  {name,-58} {(GC.GetTotalAllocatedBytes(precise: true) - start) / (double)n,8:F0} B");
        }

        Console.WriteLine("allocated per call, by stage:");
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
