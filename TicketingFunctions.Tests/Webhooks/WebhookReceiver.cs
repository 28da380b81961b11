using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TicketingFunctions.Tests.Webhooks;

/// <summary>A delivery as the receiver got it: the headers and the body as sent.</summary>
public sealed record ReceivedDelivery(string Path, string Id, string Timestamp, string Signature, string Body, IHeaderDictionary Headers);

/// <summary>
/// A webhook receiver on a loopback port, inside the test: Kestrel on 127.0.0.1:0. <c>/ok/…</c> answers 204,
/// <c>/fail/…</c> answers 503 with <c>Retry-After: 120</c> and 3000 bytes, <c>/down/…</c> 500, <c>/redirect/…</c> 307 to
/// <c>/ok/redirected</c>, <c>/hang/…</c> answers only when the receiver is disposed, <c>/ok-then-down/{n}/…</c> answers
/// 204 to the first n deliveries to that path and 500 to the later ones.
/// Every request is kept; <see cref="WaitForAsync"/> waits (without sleeping) until a path has received enough.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public ConcurrentQueue<ReceivedDelivery> Received { get; } = new();
    public Uri BaseAddress { get; }

    private WebhookReceiver(WebApplication app, Uri baseAddress) => (_app, BaseAddress) = (app, baseAddress);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var h = context.Request.Headers;
            receiver!.Add(new ReceivedDelivery(context.Request.Path.Value!, h["webhook-id"].ToString(), h["webhook-timestamp"].ToString(),
                h["webhook-signature"].ToString(), body, new HeaderDictionary(h.ToDictionary(p => p.Key, p => p.Value))));
            var path = context.Request.Path.Value!;
            if (path.StartsWith("/hang/", StringComparison.Ordinal)) await receiver._release.Task;
            if (path.StartsWith("/fail/", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 503;
                context.Response.Headers.RetryAfter = "120";
                await context.Response.WriteAsync(new string('x', 3000));
                return;
            }
            if (path.StartsWith("/down/", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 500;
                return;
            }
            if (path.StartsWith("/ok-then-down/", StringComparison.Ordinal) &&
                receiver.At(path).Count > int.Parse(path.Split('/')[2], System.Globalization.CultureInfo.InvariantCulture))
            {
                context.Response.StatusCode = 500;
                return;
            }
            if (path.StartsWith("/redirect/", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 307;
                context.Response.Headers.Location = "/ok/redirected";
                return;
            }
            context.Response.StatusCode = 204;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver = new WebhookReceiver(app, new Uri(address));
        return receiver;
    }

    public string Url(string path) => new Uri(BaseAddress, path).AbsoluteUri;

    public IReadOnlyList<ReceivedDelivery> At(string prefix) => [.. Received.Where(d => d.Path.StartsWith(prefix, StringComparison.Ordinal))];

    /// <summary>Completes once <paramref name="count"/> deliveries reached paths starting with <paramref name="prefix"/>; fails after 60 s.</summary>
    public async Task<IReadOnlyList<ReceivedDelivery>> WaitForAsync(string prefix, int count)
    {
        var arrived = await WaitUntilAsync(() => At(prefix).Count >= count, TimeSpan.FromSeconds(60));
        Assert.True(arrived, $"{prefix}: {At(prefix).Count} deliveries of the {count} awaited arrived within 60 s");
        return At(prefix);
    }

    /// <summary>
    /// Completes as soon as <paramref name="condition"/> (checked now and after each delivery) holds: true, or false once
    /// <paramref name="bound"/> passed without it.
    /// </summary>
    public async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan bound)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition()) return true;
            _waiters.Add((condition, done));
        }
        var finished = await Task.WhenAny(done.Task, Task.Delay(bound));
        lock (_gate) _waiters.RemoveAll(w => w.Done == done);
        return finished == done.Task;
    }

    private void Add(ReceivedDelivery delivery)
    {
        lock (_gate)
        {
            Received.Enqueue(delivery);
            foreach (var waiter in _waiters.ToList())
                if (waiter.Condition())
                {
                    waiter.Done.TrySetResult();
                    _waiters.Remove(waiter);
                }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
