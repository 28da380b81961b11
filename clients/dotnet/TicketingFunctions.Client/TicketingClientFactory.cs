using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace TicketingFunctions.Client;

/// <summary>
/// A <see cref="TicketingClient"/> for one tenant. The API wants the bearer token, <c>x-tenantid</c> and
/// <c>realmname</c> on every tenant-scoped request, and Kiota generates no typed headers, so they are set once here
/// instead of in every call's request configuration.
/// </summary>
public static class TicketingClientFactory
{
    /// <param name="baseUrl">The API's base URL with its route prefix, e.g. <c>http://localhost:7071/api</c>.</param>
    /// <param name="tenantId">The tenant's UUID: the token's <c>tenant_id</c>.</param>
    /// <param name="realm">The realm that issued the token.</param>
    /// <param name="accessToken">A current realm token; called for every request (cache inside it). Sent to <paramref name="baseUrl"/>'s host only.</param>
    /// <param name="transport">The innermost handler, below Kiota's retry and redirect handlers (default: Kiota's own).</param>
    public static TicketingClient Create(Uri baseUrl, string tenantId, string realm,
        Func<CancellationToken, Task<string>> accessToken, HttpMessageHandler? transport = null)
    {
        var http = KiotaClientFactory.Create(transport);
        http.DefaultRequestHeaders.Add("x-tenantid", tenantId);
        http.DefaultRequestHeaders.Add("realmname", realm);
        var authentication = new BaseBearerTokenAuthenticationProvider(new TokenProvider(accessToken, baseUrl.Host));
        var adapter = new HttpClientRequestAdapter(authentication, httpClient: http) { BaseUrl = baseUrl.ToString().TrimEnd('/') };
        return new TicketingClient(adapter);
    }

    private sealed class TokenProvider(Func<CancellationToken, Task<string>> accessToken, string host) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new([host]);

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
            CancellationToken cancellationToken = default) =>
            AllowedHostsValidator.IsUrlHostValid(uri) ? accessToken(cancellationToken) : Task.FromResult(string.Empty);
    }
}
