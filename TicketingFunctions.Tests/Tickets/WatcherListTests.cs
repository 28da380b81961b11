using System.Text.Json;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Tickets;

public sealed class WatcherListTests
{
    private static (string? List, ValidationErrors Errors) Check(string json)
    {
        var errors = new ValidationErrors();
        var list = WatcherList.Validate(WatcherList.Cc, JsonDocument.Parse(json).RootElement, errors);
        Assert.Equal(list is null, errors.Count > 0);
        return (list?.ToJsonString(), errors);
    }

    [Fact]
    public void Addresses_are_kept_in_order_each_once_ignoring_case()
    {
        Assert.Equal("""["a@example.com","b@example.com"]""", Check("""["a@example.com","b@example.com","A@EXAMPLE.COM","a@example.com"]""").List);
    }

    [Fact]
    public void Null_is_the_empty_list() => Assert.Equal("[]", Check("null").List);

    [Theory]
    [InlineData("\"a@example.com\"", "Field ccWatchers must be an array of email addresses")]
    [InlineData("{}", "Field ccWatchers must be an array of email addresses")]
    [InlineData("[\"a@example.com\",\"nobody\"]", "Field ccWatchers must be an array of email addresses; at least one entry is not one")]
    [InlineData("[\"a@example.com\",3]", "Field ccWatchers must be an array of email addresses; at least one entry is not one")]
    [InlineData("[\"Jane <a@example.com>\"]", "Field ccWatchers must be an array of email addresses; at least one entry is not one")]
    public void Anything_but_a_list_of_addresses_is_refused_by_key(string json, string message)
    {
        Assert.Equal([message], Check(json).Errors[WatcherList.Cc]);
    }

    [Fact]
    public void Fifty_distinct_addresses_pass_and_fifty_one_do_not_but_duplicates_do_not_count()
    {
        string List(int count, int repeats = 1) => JsonSerializer.Serialize(
            Enumerable.Range(0, count).SelectMany(i => Enumerable.Repeat($"w{i}@example.com", repeats)).ToArray());
        Assert.NotNull(Check(List(50)).List);
        Assert.NotNull(Check(List(50, repeats: 2)).List);
        Assert.Equal(["Field ccWatchers has more than 50 addresses"], Check(List(51)).Errors[WatcherList.Cc]);
    }
}
