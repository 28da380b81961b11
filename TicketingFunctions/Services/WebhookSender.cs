using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StandardWebhooks;
using TicketingFunctions.Api;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Services;

/// <summary>What one delivery attempt gave: success (any 2xx), the status or the error, the latency, the answer's first 1 KB, and any Retry-After.</summary>
public sealed record WebhookAttemptResult(bool Success, int? Status, string? Error, long LatencyMs, string? ResponseStart, TimeSpan? RetryAfter);

/// <summary>
/// Sends one event to one subscription, Standard Webhooks style: <c>webhook-id</c> is the event's id (a redelivery has
/// the same), <c>webhook-timestamp</c> the send time, <c>webhook-signature</c> one <c>v1,…</c> per live secret (two during
/// a rotation's overlap), signed by the StandardWebhooks library. The body is the event's CloudEvents JSON, as the feed
/// serves it (the ticket's <c>data</c> only when the subscription asks). The handler connects only to addresses
/// <see cref="WebhookAddressGuard"/> allows, checked on the address it connects to; it follows no redirect (a 3xx is a
/// failure), uses no proxy, and an attempt gets 10 s in all.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    public const int ResponseStartBytes = 1024;

    private readonly HttpClient _client;
    private readonly TimeProvider _time;

    public WebhookSender(WebhookAddressGuard guard, TimeProvider time)
    {
        _time = time;
        _client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = guard.ConnectAsync,
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectTimeout = Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.None,
        }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("TicketingFunctions-Webhooks/1.0");
    }

    /// <summary>The body a subscription receives for <paramref name="stored"/>.</summary>
    public static string Payload(StoredTicketEvent stored, bool includeData)
    {
        var envelope = EventFeedService.Envelope(stored, includeData);
        return includeData
            ? JsonSerializer.Serialize(envelope, ApiJsonContext.Default.TicketCloudEvent)
            : JsonSerializer.Serialize(envelope, TicketListJson.WithoutDataFor<TicketCloudEvent>());
    }

    /// <summary>
    /// The <c>webhook-signature</c> value: a signature by each live secret, space-separated. With two or more, the last
    /// one is written twice: the StandardWebhooks library's own Verify (1.1.2) never compares the last signature of a
    /// list, so a receiver using it with the rotated-out secret would be refused without the copy (a repeated signature
    /// is harmless to any other verifier). WebhookSignatureTests pins this against the library.
    /// </summary>
    public static string Signatures(IReadOnlyList<string> secrets, string id, DateTimeOffset timestamp, string payload)
    {
        var signatures = secrets.Select(secret => new StandardWebhook(secret).Sign(id, timestamp, payload)).ToList();
        if (signatures.Count > 1) signatures.Add(signatures[^1]);
        return string.Join(' ', signatures);
    }

    public async Task<WebhookAttemptResult> SendAsync(WebhookSubscription subscription, StoredTicketEvent stored, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var payload = Payload(stored, subscription.IncludeData);
        // Whole seconds, as the header carries them: the signature covers exactly what is sent.
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("webhook-id", stored.Event.Id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", Signatures(WebhookSecrets.LiveAt(subscription, now), stored.Event.Id, timestamp, payload));

        var started = _time.GetTimestamp();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(Timeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            var start = await ReadStartAsync(response, attempt.Token);
            var latency = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            var status = (int)response.StatusCode;
            var success = status is >= 200 and < 300;
            return new WebhookAttemptResult(success, status, success ? null : $"HTTP {status}", latency, start,
                WebhookRetrySchedule.RetryAfterOf(response.Headers.RetryAfter, now));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed("no answer within 10 s");
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookAddressRefusedException refused)
        {
            return Failed("refused: " + refused.Message);
        }
        catch (HttpRequestException e)
        {
            return Failed("connection failed: " + (e.HttpRequestError == HttpRequestError.Unknown ? e.GetType().Name : e.HttpRequestError.ToString()));
        }

        WebhookAttemptResult Failed(string error) => new(false, null, error, (long)_time.GetElapsedTime(started).TotalMilliseconds, null, null);
    }

    private static async Task<string?> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[ResponseStartBytes];
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await body.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0) break;
            read += n;
        }
        return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }

    public void Dispose() => _client.Dispose();
}
