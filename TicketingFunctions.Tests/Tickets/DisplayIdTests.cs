using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Tickets;

public sealed class DisplayIdTests
{
    [Theory]
    [InlineData("CTC", 1, "CTC-0001")]
    [InlineData("CTC", 54, "CTC-0054")]
    [InlineData("REQ", 9999, "REQ-9999")]
    [InlineData("CTC", 10000, "CTC-10000")]
    [InlineData("PMT", 1234567, "PMT-1234567")]
    public void Prefix_dash_and_at_least_four_digits(string prefix, long number, string expected) =>
        Assert.Equal(expected, DisplayId.Format(prefix, number));

    [Fact]
    public void Timestamps_are_utc_iso_with_milliseconds() =>
        Assert.Equal("2025-07-10T12:34:56.737Z", TicketFactory.Timestamp(new DateTimeOffset(2025, 7, 10, 14, 34, 56, 737, TimeSpan.FromHours(2))));
}
