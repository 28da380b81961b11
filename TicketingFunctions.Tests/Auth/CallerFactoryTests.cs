using System.Security.Claims;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Tests.Auth;

public sealed class CallerFactoryTests
{
    // As the token handler gives them: a JSON-object claim (realm_access) has the value type JSON, the others are strings.
    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => c.Type == "realm_access"
            ? new Claim(c.Type, c.Value, Microsoft.IdentityModel.JsonWebTokens.JsonClaimValueTypes.Json)
            : new Claim(c.Type, c.Value)), "test"));

    [Fact]
    public void Reads_tenant_scopes_realm_roles_teams_and_names()
    {
        var caller = CallerFactory.FromPrincipal(Principal(
            ("tenant_id", "t1"), ("scope", "openid tickets:read  tickets:write"),
            ("realm_access", """{"roles":["ticket_user","offline_access"]}"""),
            ("teams", "james"), ("teams", "facilities"),
            ("email", "jane@example.com"), ("preferred_username", "jdoe"), ("given_name", "Jane"), ("family_name", "Doe")), "demo", "teams");

        Assert.Equal("t1", caller.TenantId);
        Assert.Equal("demo", caller.Realm);
        Assert.Equal(new HashSet<string> { "openid", "tickets:read", "tickets:write" }, caller.Scopes);
        Assert.Equal(new HashSet<string> { "ticket_user", "offline_access" }, caller.Roles);
        Assert.Equal(new HashSet<string> { "james", "facilities" }, caller.Teams);
        Assert.Equal("jdoe", caller.Username);
        Assert.Equal("jane@example.com", caller.SubmittedBy);
        Assert.Equal(("Jane", "Doe"), (caller.FirstName, caller.LastName));
    }

    [Fact]
    public void The_teams_claim_name_is_configurable()
    {
        var caller = CallerFactory.FromPrincipal(Principal(("groups", "ops"), ("teams", "james")), "demo", "groups");
        Assert.Equal(new HashSet<string> { "ops" }, caller.Teams);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"roles":"tenant_admin"}""")]
    [InlineData("""["tenant_admin"]""")]
    public void Malformed_realm_access_grants_no_roles(string realmAccess)
    {
        var caller = CallerFactory.FromPrincipal(Principal(("realm_access", realmAccess)), "demo", "teams");
        Assert.Empty(caller.Roles);
    }

    [Fact]
    public void Realm_access_as_a_string_grants_no_roles_even_when_it_holds_json_text()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("realm_access", """{"roles":["tenant_admin"]}""")], "test"));
        Assert.Empty(CallerFactory.FromPrincipal(principal, "demo", "teams").Roles);
    }

    [Fact]
    public void Issuer_and_subject_come_from_iss_and_sub_and_a_uuid_tenant_is_canonical()
    {
        var caller = CallerFactory.FromPrincipal(Principal(("iss", "https://id/realms/demo"), ("sub", "42"), ("tenant_id", "820188FF-2036-4924-B80F-D11610735D86")), "demo", "teams");
        Assert.Equal(("https://id/realms/demo", "42"), (caller.Issuer, caller.Subject));
        Assert.Equal("820188ff-2036-4924-b80f-d11610735d86", caller.TenantId);
        Assert.Null(CallerFactory.FromPrincipal(Principal(("sub", "")), "demo", "teams").Subject);
    }

    [Fact]
    public void Submitted_by_is_the_email_else_the_username()
    {
        Assert.Equal("jdoe", CallerFactory.FromPrincipal(Principal(("preferred_username", "jdoe")), "demo", "teams").SubmittedBy);
        Assert.Equal("a@b.c", CallerFactory.FromPrincipal(Principal(("email", "a@b.c")), "demo", "teams").Username);
    }
}
