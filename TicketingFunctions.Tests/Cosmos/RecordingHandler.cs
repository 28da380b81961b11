using System.Collections.Concurrent;
using System.Net;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Tests.Cosmos;

/// <summary>One HTTP request the Cosmos client sent, and what came back.</summary>
public sealed record SentRequest(string Method, string Path, HttpStatusCode Status);

/// <summary>
/// Sits in the Cosmos client's HTTP pipeline (through <see cref="CosmosHttpInterceptor"/>): records every
/// request, refuses any that would leave the loopback interface, and can answer in the service's place
/// (<see cref="Fault"/>) to inject failures.
/// </summary>
public sealed class RecordingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<SentRequest> _requests = new();

    /// <summary>When set and it returns a response, that response is sent back instead of calling the server.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage?>? Fault { get; set; }

    public CosmosHttpInterceptor Interceptor => new(inner =>
    {
        InnerHandler = inner;
        return this;
    });

    public IReadOnlyList<SentRequest> Requests => _requests.ToArray();

    public void Clear() => _requests.Clear();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        if (!CosmosClientProvider.IsLoopback(uri))
            throw new InvalidOperationException($"The Cosmos client tried to reach {uri.Host}, which is not loopback.");
        var faulted = Fault?.Invoke(request);
        var response = faulted ?? await base.SendAsync(request, cancellationToken);
        _requests.Enqueue(new SentRequest(request.Method.Method, uri.AbsolutePath, response.StatusCode));
        return response;
    }
}
