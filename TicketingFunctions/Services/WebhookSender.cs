using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Services;

/// <summary>What one delivery attempt gave: success (any 2xx), the status or the error, the latency, the answer's first 1 KB, and any Retry-After.</summary>
public sealed record WebhookAttemptResult(bool Success, int? Status, string? Error, long LatencyMs, string? ResponseStart, TimeSpan? RetryAfter);

/// <summary>
/// Sends one event to one subscription, Standard Webhooks style: <c>webhook-id</c> is the event's id (a redelivery has
/// the same), <c>webhook-timestamp</c> the send time, <c>webhook-signature</c> one <c>v1,…</c> per live secret (two during
/// a rotation's overlap), signed by the StandardWebhooks library (<see cref="WebhookSigners"/>). The body is the event's
/// CloudEvents JSON (<see cref="WebhookPayloads"/>), sent as the bytes signed. The handler connects only to addresses
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
        Signers = new WebhookSigners(time);
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

    /// <summary>The bodies sent (built once per event and <c>includeData</c>, shared by the subscriptions).</summary>
    public WebhookPayloads Payloads { get; } = new();

    /// <summary>The signers of the secrets in use, one per secret.</summary>
    public WebhookSigners Signers { get; }

    public async Task<WebhookAttemptResult> SendAsync(WebhookSubscription subscription, StoredTicketEvent stored, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var payload = Payloads.Of(stored, subscription.IncludeData);
        // Whole seconds, as the header carries them: the signature covers exactly what is sent.
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = content };
        request.Headers.TryAddWithoutValidation("webhook-id", stored.Event.Id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", Sign(WebhookSecrets.LiveAt(subscription, now), stored.Event.Id, timestamp, payload));

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

    /// <summary>
    /// Signs the body's bytes as sent: the library signs text, so the UTF-8 is decoded into a pooled buffer and the
    /// library encodes it back, to the same bytes (a JSON writer's output is valid UTF-8).
    /// </summary>
    private string Sign(IReadOnlyList<string> secrets, string id, DateTimeOffset timestamp, byte[] payload)
    {
        var text = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(payload.Length));
        try
        {
            var length = Encoding.UTF8.GetChars(payload, text);
            return Signers.Signatures(secrets, id, timestamp, text.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(text);
        }
    }

    private static async Task<string?> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Most answers (a 204) have no body: nothing to read, nothing to allocate.
        if (response.Content.Headers.ContentLength == 0) return null;
        var buffer = ArrayPool<byte>.Shared.Rent(ResponseStartBytes);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var read = 0;
            while (read < ResponseStartBytes)
            {
                var n = await body.ReadAsync(buffer.AsMemory(read, ResponseStartBytes - read), cancellationToken);
                if (n == 0) break;
                read += n;
            }
            return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => _client.Dispose();
}
