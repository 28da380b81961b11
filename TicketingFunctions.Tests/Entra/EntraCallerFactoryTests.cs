using System.Security.Claims;
using Microsoft.Extensions.Options;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Tests.Entra;

/// <summary>How a validated Entra ID application token becomes a <see cref="Caller"/>.</summary>
public sealed class EntraCallerFactoryTests
{
    private const string Tenant = "820188FF-2036-4924-B80F-D11610735D86";
    private const string ClientId = "a1a1a1a1-0000-4000-8000-000000000001";
    private const string ObjectId = "c3c3c3c3-0000-4000-8000-000000000003";
    private const string Issuer = "https://login.microsoftonline.com/3b9a4c77-5d1e-4f3a-8c2b-6e0f1d2a9b84/v2.0";

    private static EntraCallerFactory Factory(string key, string? displayName = null, string realm = "entra") => new(Options.Create(new EntraOptions
    {
        RealmName = realm,
        Clients = { [key] = new EntraClient { TenantId = Tenant, Teams = "james, ops", Roles = "ticket_agent,tenant_admin", DisplayName = displayName } },
    }));

    private static ClaimsPrincipal Token(string? azp = ClientId, string? oid = ObjectId, string? sub = ObjectId, params string[] roles)
    {
        var claims = new List<Claim> { new("iss", Issuer), new("ver", "2.0") };
        if (azp is not null) claims.Add(new("azp", azp));
        if (oid is not null) claims.Add(new("oid", oid));
        if (sub is not null) claims.Add(new("sub", sub));
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "Entra"));
    }

    [Fact]
    public void A_client_mapped_by_client_id_gets_its_tenant_teams_roles_and_the_scopes_of_its_app_roles()
    {
        var caller = Factory(ClientId, "Monitoring").FromPrincipal(Token(roles: ["Tickets.Read", "Tickets.Write", "Reports.Read"]));

        Assert.False(caller.IsUnmappedApplication);
        Assert.Equal(Tenant.ToLowerInvariant(), caller.TenantId);
        Assert.Equal("entra", caller.Realm);
        Assert.Equal(["tickets:read", "tickets:write"], caller.Scopes.Order());
        Assert.Equal(["ops", "james"], caller.Teams.OrderDescending());
        Assert.Equal(["tenant_admin", "ticket_agent"], caller.Roles.Order());
        Assert.Equal(ClientId, caller.Username);
        Assert.Equal("Monitoring", caller.SubmittedBy);
        Assert.Equal("Monitoring", caller.FirstName);
        Assert.Null(caller.LastName);
        Assert.Null(caller.Email);
        Assert.Equal(Issuer, caller.Issuer);
        Assert.Equal(ObjectId, caller.Subject);
    }

    [Fact]
    public void A_managed_identity_mapped_by_object_id_is_named_by_that_id_without_a_display_name()
    {
        // Configuration keeps the id as typed; the match ignores case and the name is the id as the token writes it.
        var caller = Factory(ObjectId.ToUpperInvariant()).FromPrincipal(Token(roles: ["Tickets.Write"]));

        Assert.False(caller.IsUnmappedApplication);
        Assert.Equal(ObjectId, caller.SubmittedBy);
        Assert.Equal(ClientId, caller.Username);
    }

    [Fact]
    public void The_client_id_wins_over_the_object_id_and_sub_falls_back_to_oid()
    {
        var options = Options.Create(new EntraOptions
        {
            Clients =
            {
                [ClientId] = new EntraClient { TenantId = Tenant, DisplayName = "by client id" },
                [ObjectId] = new EntraClient { TenantId = "5f0c6a8e-3c1e-4d2a-9b7e-2a4f1c9d8e71", DisplayName = "by object id" },
            },
        });

        var caller = new EntraCallerFactory(options).FromPrincipal(Token(sub: null, roles: ["Tickets.Read"]));

        Assert.Equal("by client id", caller.SubmittedBy);
        Assert.Equal(ObjectId, caller.Subject);
    }

    [Fact]
    public void An_unmapped_application_is_marked_with_no_tenant_roles_or_teams_but_its_scopes()
    {
        var caller = Factory("99999999-0000-4000-8000-000000000009").FromPrincipal(Token(roles: ["Tickets.Write"]));

        Assert.True(caller.IsUnmappedApplication);
        Assert.Null(caller.TenantId);
        Assert.Empty(caller.Roles);
        Assert.Empty(caller.Teams);
        Assert.Equal(ClientId, caller.SubmittedBy);
    }

    [Fact]
    public void App_roles_are_matched_exactly()
    {
        var caller = Factory(ClientId).FromPrincipal(Token(roles: ["tickets.write", "Tickets.Write ", "tickets:write"]));

        Assert.Empty(caller.Scopes);
        Assert.False(Permissions.CanRead(caller));
    }

    [Fact]
    public void A_mapped_application_writes_only_with_Tickets_Write_and_a_mapped_write_role()
    {
        var readOnly = Factory(ClientId).FromPrincipal(Token(roles: ["Tickets.Read"]));
        var writer = Factory(ClientId).FromPrincipal(Token(roles: ["Tickets.Write"]));
        var withoutWriteRole = new EntraCallerFactory(Options.Create(new EntraOptions
        {
            Clients = { [ClientId] = new EntraClient { TenantId = Tenant, Roles = "" } },
        })).FromPrincipal(Token(roles: ["Tickets.Write"]));

        Assert.True(Permissions.CanRead(readOnly));
        Assert.False(Permissions.CanWrite(readOnly));
        Assert.True(Permissions.CanWrite(writer));
        Assert.True(Permissions.CanRead(writer));
        Assert.False(Permissions.CanWrite(withoutWriteRole));
    }
}
