using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets.Events;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Benchmarks;

/// <summary>
/// <c>bench/micro.sh --webhooks-probe [N]</c>: exact figures of webhook delivery, per delivered event: the store calls
/// (by operation) and the bytes allocated in this process, with 3 subscriptions of the sample tenant delivering N
/// creates each to bench/webhook-receiver.js (Node, its own process, so its allocations don't count). Background
/// delivery is off (Webhooks:PollIntervalMilliseconds 0): the probe runs the three subscriptions' passes itself, at
/// once, as the standalone host's poll loop starts them. CPU per delivered event is printed too, but is noisy on a
/// shared machine; the calls and bytes are not. Compiles against any build with this dispatcher's constructor.
/// </summary>
public static class WebhookProbe
{
    public static async Task RunAsync(int count)
    {
        var port = FreePort();
        using var receiver = Process.Start(new ProcessStartInfo("node", [Path.GetFullPath(Path.Combine("..", "webhook-receiver.js")), port.ToString()])
        {
            UseShellExecute = false,
        })!;
        try
        {
            await using var host = await BenchHost.StartAsync(new Dictionary<string, string?>
            {
                ["Webhooks:AllowLoopback"] = "true",
                ["Webhooks:PollIntervalMilliseconds"] = "0",
            });
            var services = host.App.Services;
            var webhooks = services.GetRequiredService<IWebhookStore>();
            var events = services.GetRequiredService<ITicketEventStore>();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitForReceiverAsync(http);

            var ids = new List<string>();
            for (var i = 1; i <= 3; i++)
            {
                var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
                var subscription = new WebhookSubscription
                {
                    Id = "wh_" + Guid.NewGuid().ToString("N"),
                    TenantId = BenchHost.Tenant,
                    Url = $"http://127.0.0.1:{port}/hook/{i}",
                    Status = WebhookStatus.Active,
                    Secrets = [new WebhookSecret(WebhookSecrets.New(), now, null)],
                    CreatedAt = now,
                    UpdatedAt = now,
                    DeliverFrom = now,
                    Etag = Guid.NewGuid().ToString(),
                };
                await webhooks.CreateWebhookAsync(subscription, default);
                ids.Add(subscription.Id);
            }
            var authorization = "Bearer " + BenchHost.MintRs256();
            var dispatcher = services.GetRequiredService<WebhookDispatcher>();
            var delivered = 0L;

            async Task<long> RoundAsync(WebhookDispatcher d, int creates)
            {
                await host.SeedAsync(authorization, creates);
                await Task.WhenAll(ids.Select(id => d.DeliverAsync(BenchHost.Tenant, id, default)));
                var total = long.Parse(await http.GetStringAsync("/count"));
                var sent = total - delivered;
                delivered = total;
                if (sent != 3L * creates) throw new InvalidOperationException($"{sent} deliveries for {creates} creates and 3 subscriptions");
                return sent;
            }

            await RoundAsync(dispatcher, Math.Max(500, count / 4));   // warm-up (JIT, pools, connections)

            // Allocation and CPU: the host's own dispatcher and stores.
            await host.SeedAsync(authorization, count);
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            await Task.WhenAll(ids.Select(id => dispatcher.DeliverAsync(BenchHost.Tenant, id, default)));
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
            var total = long.Parse(await http.GetStringAsync("/count"));
            var sent = total - delivered;
            delivered = total;
            if (sent != 3L * count) throw new InvalidOperationException($"{sent} deliveries for {count} creates and 3 subscriptions");
            Console.WriteLine($"webhook delivery, 3 subscriptions x {count} events: {bytes / (double)sent / 1024:F2} KB allocated and {cpu.TotalMicroseconds / sent:F1} us CPU per delivered event (the receiver's work not included)");

            // Store calls: the same work through counting stores.
            var calls = new Dictionary<string, int>(StringComparer.Ordinal);
            var counted = new WebhookDispatcher(Counting.Wrap(webhooks, calls), Counting.Wrap(events, calls), services.GetRequiredService<WebhookSender>(),
                TimeProvider.System, services.GetRequiredService<IOptions<WebhookOptions>>(), services.GetRequiredService<IOptions<EventOptions>>(),
                NullLogger<WebhookDispatcher>.Instance);
            sent = await RoundAsync(counted, count);
            lock (calls)
                Console.WriteLine($"store calls per delivered event ({sent} delivered): " +
                    string.Join(", ", calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value / (double)sent:F3}")) +
                    $"; all {calls.Values.Sum() / (double)sent:F3}");
        }
        finally
        {
            receiver.Kill();
            await receiver.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private static async Task WaitForReceiverAsync(HttpClient http)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                await http.GetStringAsync("/count");
                return;
            }
            catch (HttpRequestException) when (i < 100)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>A proxy that counts the calls to each method of <typeparamref name="T"/> (by name) and forwards them.</summary>
    public class Counting : DispatchProxy
    {
        private object _inner = null!;
        private Dictionary<string, int> _calls = null!;

        public static T Wrap<T>(T inner, Dictionary<string, int> calls) where T : class
        {
            var proxy = Create<T, Counting>();
            var counting = (Counting)(object)proxy;
            (counting._inner, counting._calls) = (inner, calls);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var name = targetMethod!.Name.EndsWith("Async", StringComparison.Ordinal) ? targetMethod.Name[..^5] : targetMethod.Name;
            lock (_calls) _calls[name] = _calls.GetValueOrDefault(name) + 1;
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
    }
}
