using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace TicketingFunctions.Auth;

/// <summary>
/// Turns a validated Entra ID application token into a <see cref="Caller"/>: app roles become the scopes they stand for,
/// and the tenant, teams and realm-equivalent roles come from the application's <c>Auth__Entra__Clients__*</c> entry.
/// </summary>
public sealed class EntraCallerFactory
{
    public const string ReadRole = "Tickets.Read";
    public const string WriteRole = "Tickets.Write";

    private readonly string _realm;
    private readonly Dictionary<string, EntraClient> _clients;

    public EntraCallerFactory(IOptions<EntraOptions> options)
    {
        _realm = string.IsNullOrWhiteSpace(options.Value.RealmName) ? EntraOptions.DefaultRealmName : options.Value.RealmName;
        // Ids are UUIDs, which Entra ID writes in lower case and configuration keeps as typed.
        _clients = new Dictionary<string, EntraClient>(options.Value.Clients, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The app role that grants each scope.</summary>
    public static string? ScopeOfRole(string role) => role switch
    {
        ReadRole => Permissions.ReadScope,
        WriteRole => Permissions.WriteScope,
        _ => null,
    };

    public Caller FromPrincipal(ClaimsPrincipal principal)
    {
        string? Get(string type) => principal.FindFirst(type)?.Value;

        var clientId = Get(EntraClaimNames.AuthorizedParty) ?? Get(EntraClaimNames.AppId);
        var objectId = Get(EntraClaimNames.ObjectId);
        var mapped = Find(clientId) ?? Find(objectId);
        var mappedId = mapped?.Id;
        var client = mapped?.Client;

        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in principal.FindAll(EntraClaimNames.Roles))
            if (ScopeOfRole(claim.Value) is { } scope) scopes.Add(scope);

        var name = client is null ? null : string.IsNullOrWhiteSpace(client.DisplayName) ? mappedId : client.DisplayName;
        return new Caller(
            client is null ? null : Guid.Parse(client.TenantId).ToString("D"),
            _realm,
            clientId ?? objectId ?? "",
            Email: null,
            FirstName: name,
            LastName: null,
            client is null ? Empty : Split(client.Roles),
            scopes,
            client is null ? Empty : Split(client.Teams),
            Issuer: Get(EntraClaimNames.Issuer),
            // For an application token Entra ID sets sub to the service principal's object id.
            Subject: Get(EntraClaimNames.Subject) ?? objectId)
        {
            DisplayName = name,
            IsUnmappedApplication = client is null,
            IsMappedApplication = client is not null,
        };
    }

    private (string Id, EntraClient Client)? Find(string? id) =>
        id is not null && _clients.TryGetValue(id, out var client) ? (id, client) : null;

    private static readonly IReadOnlySet<string> Empty = new HashSet<string>();

    private static HashSet<string> Split(string list) =>
        new(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
}
