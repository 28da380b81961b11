using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.Tickets;

public sealed class TicketVisibilityTests
{
    private static Caller Caller(string roles, string teams) => new("t", "demo", "u", "u@example.com", null, null,
        roles.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(), new HashSet<string> { "tickets:read" },
        teams.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet());

    private static readonly CatalogIndex Catalog = new(new TenantCatalog("t", "T", "demo", [],
        [
            new TicketType("a", "A", "A", ["ticket_user", "ticket_agent"], null, []),
            new TicketType("b", "B", "B", ["ticket_agent"], null, []),
        ], []));

    [Fact]
    public void A_caller_sees_their_teams_and_the_types_their_roles_allow_intersected_with_what_they_asked_for()
    {
        var user = Caller("ticket_user", "james,ops");

        Assert.Equal(["james", "ops"], TicketVisibility.Teams(user, [])!.Values);
        Assert.Equal(["james"], TicketVisibility.Teams(user, ["james", "facilities"])!.Values);
        Assert.Empty(TicketVisibility.Teams(user, ["facilities"])!.Values);
        Assert.Equal(["a"], TicketVisibility.Types(user, Catalog, [])!.Values);
        Assert.Empty(TicketVisibility.Types(user, Catalog, ["b", "gone"])!.Values);
        Assert.Equal(["a", "b"], TicketVisibility.Types(Caller("ticket_agent", ""), Catalog, [])!.Values);
        Assert.Empty(TicketVisibility.Teams(Caller("ticket_agent", ""), [])!.Values);
    }

    [Fact]
    public void A_tenant_admin_sees_every_team_and_type_even_ones_the_catalog_lost_unless_they_narrow_it()
    {
        var admin = Caller("tenant_admin", "");

        Assert.Null(TicketVisibility.Teams(admin, []));
        Assert.Null(TicketVisibility.Types(admin, Catalog, []));
        Assert.Equal(["facilities"], TicketVisibility.Teams(admin, ["facilities"])!.Values);
        Assert.Equal(["gone"], TicketVisibility.Types(admin, Catalog, ["gone"])!.Values);
    }
}
