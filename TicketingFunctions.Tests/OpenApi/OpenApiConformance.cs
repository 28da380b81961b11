using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.TestHost;

namespace TicketingFunctions.Tests.OpenApi;

/// <summary>A response that the OpenAPI document does not describe. Thrown from the HTTP call, so the test that made it fails.</summary>
public sealed class OpenApiConformanceException(string message) : Exception(message);

/// <summary>
/// Hooks the OpenAPI check into the in-process HTTP tests: <see cref="TestApi"/>'s client sends through
/// <see cref="Handler"/>, which checks every exchange against the document as it happens and records it.
/// </summary>
public static class OpenApiConformance
{
    /// <summary>
    /// Set on a request (<c>request.Options.Set(OpenApiConformance.Unchecked, "why")</c>) that deliberately
    /// goes outside the document, e.g. to an unknown route. The exchange is recorded, not checked.
    /// </summary>
    public static readonly HttpRequestOptionsKey<string> Unchecked = new("OpenApiConformance.Unchecked");

    /// <summary>Every exchange made through a conformance client in this process, by response.</summary>
    public static ExchangeRecorder Recorder { get; } = new();

    /// <summary>An HttpClient for the test server whose every exchange is checked against the document.</summary>
    public static HttpClient CreateClient(TestServer server) =>
        new(new Handler(OpenApiContract.Instance, Recorder) { InnerHandler = server.CreateHandler() }) { BaseAddress = server.BaseAddress };

    /// <summary>The same, over a real socket to a server listening at <paramref name="baseAddress"/>.</summary>
    public static HttpClient CreateClient(Uri baseAddress) =>
        new(new Handler(OpenApiContract.Instance, Recorder) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = baseAddress };

    public sealed class Handler(OpenApiContract contract, ExchangeRecorder recorder) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            // Buffered, so the test can still read the body after the check.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);

            if (request.Options.TryGetValue(Unchecked, out var reason))
            {
                recorder.Record(response, new Exchange(request.Method, request.RequestUri!, (int)response.StatusCode, null, [$"unchecked: {reason}"]));
                return response;
            }

            var problems = contract.Check(request.Method, request.RequestUri!, response, body, out var key);
            recorder.Record(response, new Exchange(request.Method, request.RequestUri!, (int)response.StatusCode, key, problems));
            if (problems.Count > 0)
            {
                var text = body.Length == 0 ? "(empty)" : System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 2000));
                throw new OpenApiConformanceException(
                    $"{request.Method} {request.RequestUri!.PathAndQuery} → {(int)response.StatusCode} does not match openapi.yaml:\n  - "
                    + string.Join("\n  - ", problems)
                    + $"\nResponse {response.Content.Headers.ContentType}: {text}");
            }
            return response;
        }
    }
}

/// <summary>One exchange as checked: the documented response it matched (null when none) and what was wrong with it.</summary>
public sealed record Exchange(HttpMethod Method, Uri Uri, int Status, ResponseKey? Key, IReadOnlyList<string> Problems);

/// <summary>Thread-safe record of checked exchanges, keyed by the response object the test received.</summary>
public sealed class ExchangeRecorder
{
    private readonly ConditionalWeakTable<HttpResponseMessage, Exchange> _byResponse = new();
    private readonly ConcurrentQueue<Exchange> _all = new();

    public void Record(HttpResponseMessage response, Exchange exchange)
    {
        _byResponse.AddOrUpdate(response, exchange);
        _all.Enqueue(exchange);
    }

    /// <summary>The check of this response, or null when it did not go through a conformance client.</summary>
    public Exchange? Of(HttpResponseMessage response) => _byResponse.TryGetValue(response, out var exchange) ? exchange : null;

    public IReadOnlyCollection<Exchange> All => _all.ToArray();
}
