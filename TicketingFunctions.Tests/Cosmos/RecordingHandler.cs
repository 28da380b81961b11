using System.Collections.Concurrent;
using System.Net;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Tests.Cosmos;

/// <summary>One HTTP request the Cosmos client sent, and what came back; <see cref="Headers"/> are the request's x-ms-* headers.</summary>
public sealed record SentRequest(string Method, string Path, HttpStatusCode Status, IReadOnlyDictionary<string, string>? Headers = null)
{
    public string? Header(string name) => Headers is not null && Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Sent by the event publisher, which runs after writes on its own (at low priority: CosmosTicketEvents).</summary>
    public bool IsBackground => string.Equals(Header("x-ms-cosmos-priority-level"), "Low", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Sits in the Cosmos client's HTTP pipeline (through <see cref="CosmosHttpInterceptor"/>): records every
/// request, refuses any that would leave the loopback interface, and can answer in the service's place
/// (<see cref="Fault"/>) to inject failures.
/// </summary>
public sealed class RecordingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<SentRequest> _requests = new();

    /// <summary>
    /// When set and it returns a response, that response is sent back instead of calling the server; when
    /// it throws <see cref="HttpRequestException"/>, the request fails as if the connection had.
    /// </summary>
    public Func<HttpRequestMessage, HttpResponseMessage?>? Fault { get; set; }

    /// <summary>When set and it returns true, the request never gets an answer: it waits until the client gives up.</summary>
    public Func<HttpRequestMessage, bool>? Hang { get; set; }

    public CosmosHttpInterceptor Interceptor => new(inner =>
    {
        InnerHandler = inner;
        return this;
    });

    /// <summary>The requests of the code under test: without the event publisher's, which follow each write on their own schedule.</summary>
    public IReadOnlyList<SentRequest> Requests => [.. _requests.Where(r => !r.IsBackground)];

    /// <summary>Every request, the event publisher's too.</summary>
    public IReadOnlyList<SentRequest> AllRequests => _requests.ToArray();

    public void Clear() => _requests.Clear();

    /// <summary>An error answer in the Cosmos DB service's form.</summary>
    public static HttpResponseMessage ServiceError(HttpStatusCode status, string code, int? retryAfterMs = null)
    {
        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent($$"""{"code":"{{code}}","message":"Injected by the test."}""", System.Text.Encoding.UTF8, "application/json"),
        };
        response.Headers.Add("x-ms-activity-id", Guid.NewGuid().ToString());
        response.Headers.Add("x-ms-request-charge", "1");
        if (retryAfterMs is { } ms) response.Headers.Add("x-ms-retry-after-ms", ms.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return response;
    }

    private static Dictionary<string, string> CosmosHeaders(HttpRequestMessage request) =>
        request.Headers.Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        if (!CosmosClientProvider.IsLoopback(uri))
            throw new InvalidOperationException($"The Cosmos client tried to reach {uri.Host}, which is not loopback.");
        HttpResponseMessage response;
        try
        {
            if (Hang?.Invoke(request) == true)
            {
                _requests.Enqueue(new SentRequest(request.Method.Method, uri.AbsolutePath, 0, CosmosHeaders(request)));
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            response = Fault?.Invoke(request) ?? await base.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            _requests.Enqueue(new SentRequest(request.Method.Method, uri.AbsolutePath, 0, CosmosHeaders(request)));
            throw;
        }
        _requests.Enqueue(new SentRequest(request.Method.Method, uri.AbsolutePath, response.StatusCode, CosmosHeaders(request)));
        return response;
    }
}
