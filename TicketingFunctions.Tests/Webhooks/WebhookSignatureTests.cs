using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using StandardWebhooks;
using TicketingFunctions.Services;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Tests.Webhooks;

/// <summary>The product's signature header, checked with the StandardWebhooks library's own verification.</summary>
public sealed class WebhookSignatureTests
{
    private static HeaderDictionary Headers(string id, DateTimeOffset timestamp, string signature) => new()
    {
        ["webhook-id"] = id,
        ["webhook-timestamp"] = timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["webhook-signature"] = signature,
    };

    [Fact]
    public void One_secret_gives_one_v1_signature_that_verifies()
    {
        var secret = WebhookSecrets.New();
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var signature = new WebhookSigners(TimeProvider.System).Signatures([secret], "evt-1", now, """{"a":1}""");

        Assert.StartsWith("v1,", signature);
        new StandardWebhook(secret).Verify("""{"a":1}""", Headers("evt-1", now, signature));
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() =>
            new StandardWebhook(secret).Verify("""{"a":2}""", Headers("evt-1", now, signature)));
    }

    [Fact]
    public void Two_live_secrets_give_two_signatures_and_either_secret_verifies()
    {
        var (fresh, old) = (WebhookSecrets.New(), WebhookSecrets.New());
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var signature = new WebhookSigners(TimeProvider.System).Signatures([fresh, old], "evt-1", now, "{}");

        Assert.Equal(2, signature.Split(' ').Distinct().Count());
        new StandardWebhook(fresh).Verify("{}", Headers("evt-1", now, signature));
        new StandardWebhook(old).Verify("{}", Headers("evt-1", now, signature));
    }

    [Fact]
    public void The_library_never_compares_the_last_signature_of_a_list_which_is_why_the_last_is_written_twice()
    {
        var (fresh, old) = (WebhookSecrets.New(), WebhookSecrets.New());
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var plain = new StandardWebhook(fresh).Sign("evt-1", now, "{}") + " " + new StandardWebhook(old).Sign("evt-1", now, "{}");

        // If the library is fixed, this fails: then drop the copy in WebhookSigners.Signatures.
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => new StandardWebhook(old).Verify("{}", Headers("evt-1", now, plain)));
    }

    [Fact]
    public void A_secret_is_whsec_and_the_base64_of_32_random_bytes()
    {
        var a = WebhookSecrets.New();
        Assert.Matches("^whsec_[A-Za-z0-9+/]{43}=$", a);
        Assert.Equal(32, Convert.FromBase64String(a["whsec_".Length..]).Length);
        Assert.NotEqual(a, WebhookSecrets.New());
    }

    [Fact]
    public void Rotated_out_secrets_stop_signing_when_their_overlap_ends()
    {
        var subscription = WebhookStoreContract.NewSubscription("t") with
        {
            Secrets = [new WebhookSecret("whsec_new", "2026-12-06T00:00:00.000Z", null), new WebhookSecret("whsec_old", "2026-12-05T00:00:00.000Z", "2026-12-07T00:00:00.000Z")],
        };

        Assert.Equal(["whsec_new", "whsec_old"], WebhookSecrets.LiveAt(subscription, DateTimeOffset.Parse("2026-12-06T23:59:59Z")));
        Assert.Equal(["whsec_new"], WebhookSecrets.LiveAt(subscription, DateTimeOffset.Parse("2026-12-07T00:00:00Z")));
    }

    [Fact]
    public void A_signer_is_kept_per_secret_and_dropped_once_unused_for_the_idle_limit()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-06T00:00:00Z"));
        var signers = new WebhookSigners(time);
        var (kept, rotatedOut) = (WebhookSecrets.New(), WebhookSecrets.New());
        var at = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        signers.Signatures([kept, rotatedOut], "evt-1", at, "{}");
        signers.Signatures([kept], "evt-2", at, "{}");
        Assert.Equal(2, signers.Count);   // one each, however many signatures

        // The rotated-out secret stops signing; once it has been unused for the idle limit it is dropped, the other kept.
        time.Advance(WebhookSigners.IdleLimit / 2);
        signers.Signatures([kept], "evt-3", at, "{}");
        time.Advance(WebhookSigners.IdleLimit / 2 + TimeSpan.FromMinutes(1));
        var signature = signers.Signatures([kept], "evt-4", at, "{}");
        Assert.Equal(1, signers.Count);
        new StandardWebhook(kept).Verify("{}", Headers("evt-4", at, signature));
    }
}
