using Microsoft.Extensions.Primitives;
using TicketingFunctions.Services;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.Tickets;

public sealed class TicketListParametersTests
{
    private static (TicketListParameters Parameters, ValidationErrors Errors) Parse(params (string Name, string[] Values)[] query)
    {
        var errors = new ValidationErrors();
        var parameters = TicketListParameters.Parse(query.Select(q => new KeyValuePair<string, StringValues>(q.Name, q.Values)), errors);
        return (parameters, errors);
    }

    [Fact]
    public void Defaults_are_newest_created_first_25_a_page_without_data()
    {
        var (p, errors) = Parse();
        Assert.Empty(errors);
        Assert.Equal((TicketSort.CreatedAt, true, 25, false, (string?)null), (p.Sort, p.Descending, p.PageSize, p.IncludeData, p.ContinuationToken));
    }

    [Theory]
    [InlineData("2025-07-10", "2025-07-10T00:00:00.000Z")]
    [InlineData("2025-07-10T12:34Z", "2025-07-10T12:34:00.000Z")]
    [InlineData("2025-07-10T12:34:56Z", "2025-07-10T12:34:56.000Z")]
    [InlineData("2025-07-10T12:34:56.7371Z", "2025-07-10T12:34:56.738Z")]
    [InlineData("2025-07-10T12:34:56.737+02:00", "2025-07-10T10:34:56.737Z")]
    [InlineData("2025-07-10T01:00:00-03:30", "2025-07-10T04:30:00.000Z")]
    public void Instants_are_read_as_iso_8601_and_rounded_up_to_the_stored_milliseconds(string sent, string stored)
    {
        var (p, errors) = Parse(("createdFrom", [sent]), ("updatedSince", [sent]));
        Assert.Empty(errors);
        Assert.Equal(stored, p.CreatedFrom);
        Assert.Equal(stored, p.UpdatedSince);
    }

    [Theory]
    [InlineData("2025-07-10T12:34:56")]
    [InlineData("2025-7-10")]
    [InlineData("10.07.2025")]
    [InlineData("2025-07-10 12:34:56Z")]
    [InlineData("tomorrow")]
    public void Anything_else_is_refused(string sent)
    {
        var (_, errors) = Parse(("createdTo", [sent]));
        Assert.Equal(["createdTo"], errors.Keys);
    }

    [Fact]
    public void Parameter_names_compare_as_asp_net_core_query_keys_do_and_values_exactly()
    {
        var (p, errors) = Parse(("TEAMID", ["james"]), ("Order", ["asc"]));
        Assert.Empty(errors);
        Assert.Equal(["james"], p.TeamIds);
        Assert.False(p.Descending);
        Assert.Equal(["order"], Parse(("order", ["ASC"])).Errors.Keys);
    }
}
