using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.AspNetCore.Routing.Template;
using TicketingFunctions.Functions;
using TicketingFunctions.Hosting;

namespace TicketingFunctions.Tests.Hosting;

/// <summary>
/// GET ticket/list must reach the list under both hosts. The standalone host uses ASP.NET Core's precedence (a
/// literal segment wins); the Functions host tries routes in function-name order, where GetTicket comes before
/// ListTickets. So the list path must match no other GET function's route at all, whatever the order: checked here
/// with ASP.NET Core's own template matcher and route constraints, which both hosts use.
/// </summary>
public sealed class TicketListRouteTests
{
    private static IEnumerable<string> GetFunctionsMatching(string path) =>
        FunctionEndpoints.Discover(typeof(Routes).Assembly)
            .Where(f => f.Methods.Contains("GET"))
            .Where(f => Matches(f.Route, path))
            .Select(f => f.Name);

    private static bool Matches(string route, string path)
    {
        var template = TemplateParser.Parse(route);
        var values = new RouteValueDictionary();
        if (!new TemplateMatcher(template, new RouteValueDictionary()).TryMatch("/" + path, values)) return false;
        foreach (var parameter in template.Parameters)
        foreach (var constraint in parameter.InlineConstraints)
        {
            Assert.StartsWith("regex(", constraint.Constraint);
            var regex = new RegexRouteConstraint(constraint.Constraint["regex(".Length..^1]);
            if (!regex.Match(null, null, parameter.Name!, values, RouteDirection.IncomingRequest)) return false;
        }
        return true;
    }

    [Fact]
    public void The_list_path_matches_only_the_list_function_so_no_route_order_can_send_it_elsewhere()
    {
        Assert.Equal(["ListTickets"], GetFunctionsMatching("v2/ticketing/ticket/list"));
        Assert.Equal(["ListTickets"], GetFunctionsMatching("v2/ticketing/ticket/LIST"));
        Assert.Equal(["GetTicket"], GetFunctionsMatching("v2/ticketing/ticket/CTC-0001"));
        Assert.Equal(["GetTicket"], GetFunctionsMatching("v2/ticketing/ticket/listing"));
        Assert.Equal(["GetTicketHistory"], GetFunctionsMatching("v2/ticketing/ticket/CTC-0001/history"));
    }

    [Fact]
    public async Task The_standalone_host_serves_the_list_and_still_reads_tickets_by_id()
    {
        await using var api = await Http.TestApi.StartAsync();
        var list = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/list", api.Token()));
        var read = await api.Client.SendAsync(api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket/CTC-0404", api.Token()));

        Assert.Equal(System.Net.HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, read.StatusCode);
        Assert.Contains("TICKET_NOT_FOUND", await read.Content.ReadAsStringAsync());
    }
}
