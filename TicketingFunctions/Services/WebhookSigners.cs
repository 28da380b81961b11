using System.Collections.Concurrent;
using StandardWebhooks;

namespace TicketingFunctions.Services;

/// <summary>
/// The StandardWebhooks signers of the secrets in use, one per secret, so a delivery doesn't decode its secret again
/// for every signature. A signer unused for <see cref="IdleLimit"/> is dropped (a rotated-out secret stops signing when
/// its overlap ends, a deleted subscription's never signs again), so the cache holds only the secrets delivery uses.
/// </summary>
public sealed class WebhookSigners(TimeProvider time)
{
    public static readonly TimeSpan IdleLimit = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Entry> _bySecret = new(StringComparer.Ordinal);
    private long _nextSweep = time.GetTimestamp() + (long)(IdleLimit.TotalSeconds * time.TimestampFrequency);

    private sealed class Entry(StandardWebhook signer, long usedAt)
    {
        public StandardWebhook Signer { get; } = signer;
        public long UsedAt = usedAt;
    }

    /// <summary>How many signers are kept (tests).</summary>
    public int Count => _bySecret.Count;

    /// <summary>
    /// The <c>webhook-signature</c> value: a signature by each live secret, space-separated. With two or more, the last
    /// one is written twice: the StandardWebhooks library's own Verify (1.1.2) never compares the last signature of a
    /// list, so a receiver using it with the rotated-out secret would be refused without the copy (a repeated signature
    /// is harmless to any other verifier). WebhookSignatureTests pins this against the library.
    /// </summary>
    public string Signatures(IReadOnlyList<string> secrets, string id, DateTimeOffset timestamp, ReadOnlySpan<char> payload)
    {
        var now = time.GetTimestamp();
        SweepIfDue(now);
        if (secrets.Count == 1) return For(secrets[0], now).Sign(id, timestamp, payload);
        var signatures = new string[secrets.Count + 1];
        for (var i = 0; i < secrets.Count; i++) signatures[i] = For(secrets[i], now).Sign(id, timestamp, payload);
        signatures[^1] = signatures[^2];
        return string.Join(' ', signatures);
    }

    private StandardWebhook For(string secret, long now)
    {
        var entry = _bySecret.GetOrAdd(secret, static (s, at) => new Entry(new StandardWebhook(s), at), now);
        Volatile.Write(ref entry.UsedAt, now);
        return entry.Signer;
    }

    private void SweepIfDue(long now)
    {
        var due = Volatile.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + Ticks(IdleLimit), due) != due) return;
        var idleSince = now - Ticks(IdleLimit);
        foreach (var (secret, entry) in _bySecret)
            if (Volatile.Read(ref entry.UsedAt) < idleSince) _bySecret.TryRemove(new KeyValuePair<string, Entry>(secret, entry));
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}
