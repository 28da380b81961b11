using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tests.Auth;

public sealed class PermissionsTests
{
    private static Caller Caller(string roles = "", string scopes = "", string teams = "") => new(
        "t", "demo", "u", null, null, null,
        roles.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(),
        scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(),
        teams.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet());

    private static readonly TicketType Payment = new("16912", "Payment Approval", "PMT", ["ticket_agent", "tenant_admin"], null, []);

    [Theory]
    [InlineData("ticket_user", "tickets:write", true)]
    [InlineData("ticket_agent", "tickets:write", true)]
    [InlineData("tenant_admin", "tickets:write", true)]
    [InlineData("ticket_user", "tickets:read", false)]
    [InlineData("uma_authorization", "tickets:write", false)]
    [InlineData("", "tickets:read tickets:write", false)]
    public void Writing_needs_the_scope_and_a_write_role(string roles, string scopes, bool expected) =>
        Assert.Equal(expected, Permissions.CanWrite(Caller(roles, scopes)));

    [Theory]
    [InlineData("tickets:read", true)]
    [InlineData("tickets:write", true)]
    [InlineData("openid profile", false)]
    public void Reading_needs_either_scope(string scopes, bool expected) =>
        Assert.Equal(expected, Permissions.CanRead(Caller(scopes: scopes)));

    [Fact]
    public void Teams_come_from_the_token_unless_tenant_admin()
    {
        Assert.True(Permissions.CanUseTeam(Caller(teams: "james"), "james"));
        Assert.False(Permissions.CanUseTeam(Caller(teams: "james"), "facilities"));
        Assert.True(Permissions.CanUseTeam(Caller(roles: "tenant_admin"), "facilities"));
    }

    [Fact]
    public void Ticket_types_need_one_of_their_roles_unless_tenant_admin()
    {
        Assert.False(Permissions.CanUseTicketType(Caller(roles: "ticket_user"), Payment.AllowedRoles));
        Assert.True(Permissions.CanUseTicketType(Caller(roles: "ticket_agent"), Payment.AllowedRoles));
        Assert.True(Permissions.CanUseTicketType(Caller(roles: "tenant_admin"), Payment.AllowedRoles));
    }

    [Theory]
    [InlineData("ticket_agent", true)]
    [InlineData("tenant_admin", true)]
    [InlineData("ticket_user", false)]
    [InlineData("", false)]
    public void Agents_and_tenant_admins_assign_and_write_internal_notes(string roles, bool expected)
    {
        Assert.Equal(expected, Permissions.CanAssign(Caller(roles, "tickets:write")));
        Assert.Equal(expected, Permissions.CanWriteInternal(Caller(roles, "tickets:write")));
    }

    [Theory]
    [InlineData("tenant_admin", true)]
    [InlineData("ticket_agent", false)]
    [InlineData("ticket_user", false)]
    public void Only_tenant_admins_see_deleted_tickets_the_whole_tenant_and_retired_types(string roles, bool expected)
    {
        Assert.Equal(expected, Permissions.CanSeeDeleted(Caller(roles)));
        Assert.Equal(expected, Permissions.CanSeeWholeTenant(Caller(roles)));
        Assert.Equal(expected, Permissions.CanUseRetiredTicketType(Caller(roles)));
    }

    [Theory]
    [InlineData("ticket_user", "tickets:read", Permission.Read, true)]
    [InlineData("ticket_user", "tickets:read", Permission.Write, false)]
    [InlineData("ticket_user", "tickets:write", Permission.Write, true)]
    [InlineData("ticket_user", "tickets:write", Permission.Delete, false)]
    [InlineData("ticket_agent", "tickets:write", Permission.Delete, true)]
    public void Allows_is_the_named_rule_of_each_permission(string roles, string scopes, Permission permission, bool expected) =>
        Assert.Equal(expected, Permissions.Allows(Caller(roles, scopes), permission));
}
