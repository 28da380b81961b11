using System.Net.Http.Headers;
using System.Text;
using Azure.Core;

namespace TicketingFunctions.Tests.Entra;

/// <summary>
/// The caller side of the Entra ID path, as a function app with a managed identity writes it (docs/operations.md,
/// "A function app that opens tickets"): a token for <c>api://&lt;API client id&gt;/.default</c> from a
/// <see cref="TokenCredential"/> (DefaultAzureCredential in Azure), then a plain HTTPS call with <c>realmname: entra</c>.
/// The test gives it a credential backed by the loopback directory; the code is the documented code.
/// </summary>
public sealed class TicketingApiCaller(HttpClient http, TokenCredential credential, string apiClientId, string tenantId)
{
    public async Task<HttpResponseMessage> CreateTicketAsync(string teamId, string itemTypeId, string body, string idempotencyKey, CancellationToken cancellationToken)
    {
        // The managed identity's token for the API; the credential caches it until shortly before it expires.
        var token = await credential.GetTokenAsync(new TokenRequestContext([$"api://{apiClientId}/.default"]), cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v2/ticketing/ticket/create/{teamId}/{itemTypeId}?type=template&module=ticketing");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        request.Headers.Add("realmname", "entra");
        request.Headers.Add("x-tenantid", tenantId);
        request.Headers.Add("issupportrequest", "false");
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return await http.SendAsync(request, cancellationToken);
    }
}
