using System.Globalization;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Tickets;

public sealed class TimestampTests
{
    private static string Reference(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2025-07-10T12:34:56.7379999+00:00", "2025-07-10T12:34:56.737Z")]
    [InlineData("0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00.000Z")]
    [InlineData("9999-12-31T23:59:59.9999999+00:00", "9999-12-31T23:59:59.999Z")]
    [InlineData("2026-03-01T01:02:03.004+05:30", "2026-02-28T19:32:03.004Z")]
    public void Timestamps_are_iso_utc_with_truncated_milliseconds(string at, string expected) =>
        Assert.Equal(expected, TicketFactory.Timestamp(DateTimeOffset.Parse(at, CultureInfo.InvariantCulture)));

    [Fact]
    public void Timestamps_match_the_format_string_on_random_instants()
    {
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var t = new DateTimeOffset(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), TimeSpan.Zero);
            Assert.Equal(Reference(t), TicketFactory.Timestamp(t));
        }
    }
}
