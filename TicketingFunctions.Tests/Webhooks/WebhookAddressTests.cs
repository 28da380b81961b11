using System.Net;
using Microsoft.Extensions.Options;
using Moq;
using TicketingFunctions.Services;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Tests.Webhooks;

/// <summary>The SSRF rule over addresses, and the guard over every address a name resolves to.</summary>
public sealed class WebhookAddressTests
{
    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("127.255.0.9", "a loopback address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("::ffff:127.0.0.1", "a loopback address")]
    [InlineData("0.0.0.0", "an unspecified address")]
    [InlineData("::", "an unspecified address")]
    [InlineData("10.1.2.3", "a private address")]
    [InlineData("172.16.0.1", "a private address")]
    [InlineData("172.31.255.255", "a private address")]
    [InlineData("192.168.1.1", "a private address")]
    [InlineData("::ffff:10.0.0.1", "a private address")]
    [InlineData("fd00::1", "a private (unique-local) address")]
    [InlineData("fc12::1", "a private (unique-local) address")]
    [InlineData("169.254.169.254", "a link-local address (cloud metadata among them)")]
    [InlineData("fe80::1", "a link-local address")]
    [InlineData("100.64.0.1", "a shared (carrier-grade NAT) address")]
    [InlineData("100.127.255.255", "a shared (carrier-grade NAT) address")]
    [InlineData("224.0.0.1", "a multicast address")]
    [InlineData("ff02::1", "a multicast address")]
    [InlineData("255.255.255.255", "a reserved address")]
    [InlineData("240.0.0.1", "a reserved address")]
    [InlineData("2002:a9fe:a9fe::1", "a link-local address (cloud metadata among them)")]
    [InlineData("64:ff9b::a00:1", "a private address")]
    public void Refused_addresses_say_why(string address, string refusal) =>
        Assert.Equal(refusal, WebhookAddresses.RefusalOf(IPAddress.Parse(address), allowLoopback: false));

    [Theory]
    [InlineData("203.0.113.10")]
    [InlineData("8.8.8.8")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("2001:db8::1")]
    [InlineData("2606:4700:4700::1111")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.Null(WebhookAddresses.RefusalOf(IPAddress.Parse(address), allowLoopback: false));

    [Theory]
    [InlineData("127.0.0.1", null)]
    [InlineData("::1", null)]
    [InlineData("10.0.0.1", "a private address")]
    [InlineData("169.254.169.254", "a link-local address (cloud metadata among them)")]
    public void The_development_setting_allows_loopback_only(string address, string? refusal) =>
        Assert.Equal(refusal, WebhookAddresses.RefusalOf(IPAddress.Parse(address), allowLoopback: true));

    private static WebhookAddressGuard Guard(params IPAddress[] addresses)
    {
        var resolver = new Mock<IWebhookHostResolver>();
        resolver.Setup(r => r.ResolveAsync("name.example.com", It.IsAny<CancellationToken>())).ReturnsAsync(addresses);
        return new WebhookAddressGuard(resolver.Object, Options.Create(new WebhookOptions()));
    }

    [Fact]
    public async Task Every_resolved_address_is_checked_and_one_refused_refuses_the_name()
    {
        var (addresses, refusal) = await Guard(IPAddress.Parse("203.0.113.10"), IPAddress.Parse("192.168.0.10")).ResolveAsync("name.example.com", default);

        Assert.Empty(addresses);
        Assert.Equal("host name.example.com resolves to a private address (192.168.0.10), which webhooks may not reach", refusal);
    }

    [Fact]
    public async Task A_name_with_only_public_addresses_passes_with_all_of_them()
    {
        var (addresses, refusal) = await Guard(IPAddress.Parse("203.0.113.10"), IPAddress.Parse("2001:db8::5")).ResolveAsync("name.example.com", default);

        Assert.Null(refusal);
        Assert.Equal(2, addresses.Length);
    }

    [Fact]
    public async Task A_name_that_resolves_to_nothing_is_refused() =>
        Assert.Equal("host name.example.com does not resolve", (await Guard().ResolveAsync("name.example.com", default)).Refusal);

    [Theory]
    [InlineData(1, null, 5)]
    [InlineData(2, null, 300)]
    [InlineData(3, null, 1800)]
    [InlineData(4, null, 7200)]
    [InlineData(5, null, 18000)]
    [InlineData(6, null, 36000)]
    [InlineData(7, null, 36000)]
    [InlineData(12, null, 36000)]
    [InlineData(1, 120, 120)]
    [InlineData(3, 60, 1800)]
    [InlineData(1, 999999, 36000)]
    public void The_retry_schedule_and_retry_after(int failures, int? retryAfterSeconds, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds),
            WebhookRetrySchedule.DelayAfter(failures, retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null));

    [Fact]
    public void Retry_after_is_read_as_seconds_or_as_a_date()
    {
        var now = DateTimeOffset.Parse("2026-12-06T00:00:00Z");
        Assert.Equal(TimeSpan.FromSeconds(30), WebhookRetrySchedule.RetryAfterOf(new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(30)), now));
        Assert.Equal(TimeSpan.FromMinutes(10), WebhookRetrySchedule.RetryAfterOf(new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddMinutes(10)), now));
        Assert.Equal(TimeSpan.Zero, WebhookRetrySchedule.RetryAfterOf(new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddMinutes(-10)), now));
        Assert.Null(WebhookRetrySchedule.RetryAfterOf(null, now));
    }
}
