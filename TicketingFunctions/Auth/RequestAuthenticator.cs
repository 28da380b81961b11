using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace TicketingFunctions.Auth;

/// <summary>Validates the request's bearer token through the "Bearer" scheme, giving the caller or null.</summary>
public sealed class RequestAuthenticator(IOptions<AuthOptions> options)
{
    private readonly string _teamsClaim = string.IsNullOrEmpty(options.Value.TeamsClaim) ? "teams" : options.Value.TeamsClaim;

    public async Task<Caller?> AuthenticateAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(RealmAuthentication.Scheme);
        if (!result.Succeeded) return null;
        var realm = RealmAuthentication.RealmOfScheme(result.Ticket.AuthenticationScheme);
        return realm is null ? null : CallerFactory.FromPrincipal(result.Principal, realm, _teamsClaim);
    }
}
