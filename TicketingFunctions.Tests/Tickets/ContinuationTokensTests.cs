using TicketingFunctions.Settings;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TicketingFunctions.Hosting;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.Tickets;

public sealed class ContinuationTokensTests
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

    private static ContinuationTokens Tokens(string? key = null) =>
        new(Options.Create(new TicketListOptions { ContinuationTokenKey = key }), NullLogger<ContinuationTokens>.Instance);

    private static readonly byte[] Listing = Encoding.UTF8.GetBytes("""["tenant-a","created_at","desc"]""");

    [Fact]
    public void A_token_gives_back_its_position_for_its_listing_only()
    {
        var tokens = Tokens(Key);
        var token = tokens.Protect(Listing, "2025-07-10T12:00:00.000Z\nabc");

        Assert.Equal("2025-07-10T12:00:00.000Z\nabc", tokens.Unprotect(Listing, token));
        Assert.Null(tokens.Unprotect(Encoding.UTF8.GetBytes("""["tenant-b","created_at","desc"]"""), token));
        Assert.Null(tokens.Unprotect([.. Listing, (byte)' '], token));
        Assert.DoesNotContain('=', token);
        Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }

    [Fact]
    public void Every_changed_byte_and_every_cut_is_refused()
    {
        var tokens = Tokens(Key);
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(tokens.Protect(Listing, "position"));

        for (var i = 0; i < bytes.Length; i++)
        for (var bit = 0; bit < 8; bit++)
        {
            var changed = (byte[])bytes.Clone();
            changed[i] ^= (byte)(1 << bit);
            Assert.Null(tokens.Unprotect(Listing, System.Buffers.Text.Base64Url.EncodeToString(changed)));
        }
        for (var length = 0; length < bytes.Length; length++)
            Assert.Null(tokens.Unprotect(Listing, System.Buffers.Text.Base64Url.EncodeToString(bytes.AsSpan(0, length))));
        Assert.Null(tokens.Unprotect(Listing, "!!not base64!!"));
        Assert.Null(tokens.Unprotect(Listing, new string('A', ContinuationTokens.MaxTokenLength + 1)));
    }

    [Fact]
    public void Instances_with_the_configured_key_accept_each_others_tokens_and_unconfigured_ones_do_not()
    {
        var token = Tokens(Key).Protect(Listing, "p");

        Assert.Equal("p", Tokens(Key).Unprotect(Listing, token));
        Assert.Null(Tokens(Convert.ToBase64String(new byte[32])).Unprotect(Listing, token));
        Assert.Null(Tokens().Unprotect(Listing, token));
        var unconfigured = Tokens();
        Assert.Equal("p", unconfigured.Unprotect(Listing, unconfigured.Protect(Listing, "p")));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void A_malformed_or_short_key_is_refused_naming_the_setting(string key)
    {
        var error = Assert.Throws<SettingException>(() => TicketListOptions.ParseKey(key));
        Assert.Contains("TicketList__ContinuationTokenKey", error.Message);
        Assert.Throws<SettingException>(() => Tokens(key));
    }

    [Fact]
    public async Task The_host_refuses_to_start_with_a_malformed_key()
    {
        var error = await Assert.ThrowsAsync<SettingException>(() =>
            Http.TestApi.StartAsync(settings => settings["TicketList:ContinuationTokenKey"] = "short"));
        Assert.Contains("TicketList__ContinuationTokenKey", error.Message);
    }
}
