using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TicketingFunctions.Auth;

/// <summary>
/// The callers of recently validated bearer tokens, so that a token's signature, issuer, audience and lifetime
/// are checked once rather than on every request. Entries are keyed by <see cref="TokenKey"/>, the SHA-256 of the
/// realm the request named and the token: the tokens themselves are never kept. An entry lives until the token's
/// expiry or <see cref="MaxLifetime"/> after it was validated, whichever comes first, and every hit checks that
/// time. The cache holds at most <see cref="AuthOptions.TokenCacheSize"/> entries (0 turns it off): when full,
/// expired entries go first, then arbitrary ones. Only successful validations are cached.
/// </summary>
public sealed class ValidatedTokenCache
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<TokenKey, Entry> _entries = new();
    private readonly TimeProvider _time;
    private readonly Lock _trimLock = new();

    private sealed record Entry(Caller Caller, DateTimeOffset ExpiresAt);

    public ValidatedTokenCache(IOptions<AuthOptions> options, TimeProvider time)
    {
        Capacity = Math.Max(0, options.Value.TokenCacheSize);
        _time = time;
    }

    public int Capacity { get; }

    public int Count => _entries.Count;

    /// <summary>The caller validated for this key, if its entry has not expired (an expired entry is dropped).</summary>
    public bool TryGet(in TokenKey key, out Caller caller)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.ExpiresAt > _time.GetUtcNow())
            {
                caller = entry.Caller;
                return true;
            }
            _entries.TryRemove(new KeyValuePair<TokenKey, Entry>(key, entry));
        }
        caller = null!;
        return false;
    }

    /// <summary>Remembers a validated token's caller until min(<paramref name="tokenExpiresAt"/>, now + 5 min).</summary>
    public void Add(in TokenKey key, Caller caller, DateTimeOffset tokenExpiresAt)
    {
        if (Capacity == 0) return;
        var now = _time.GetUtcNow();
        var expiresAt = tokenExpiresAt < now + MaxLifetime ? tokenExpiresAt : now + MaxLifetime;
        if (expiresAt <= now) return;
        if (!_entries.ContainsKey(key) && _entries.Count >= Capacity) MakeRoom(now);
        _entries[key] = new Entry(caller, expiresAt);
    }

    private void MakeRoom(DateTimeOffset now)
    {
        lock (_trimLock)
        {
            if (_entries.Count < Capacity) return;
            foreach (var (key, entry) in _entries)
                if (entry.ExpiresAt <= now) _entries.TryRemove(key, out _);
            // Still full of live entries: drop a tenth of them (at least one) rather than one per miss.
            var excess = _entries.Count - Capacity + Math.Max(1, Capacity / 10);
            foreach (var key in _entries.Keys)
            {
                if (excess-- <= 0) break;
                _entries.TryRemove(key, out _);
            }
        }
    }
}

/// <summary>SHA-256 of (realm, token): what a cached validation is looked up by. Equal keys mean equal inputs.</summary>
public readonly struct TokenKey : IEquatable<TokenKey>
{
    private const int StackLimit = 2048;
    private readonly ulong _a, _b, _c, _d;

    private TokenKey(ReadOnlySpan<byte> hash)
    {
        _a = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]);
    }

    /// <summary>The hash of the realm's length, the realm and the token (UTF-8), so no two pairs share an input.</summary>
    public static TokenKey For(ReadOnlySpan<char> realm, ReadOnlySpan<char> token)
    {
        var length = sizeof(int) + Encoding.UTF8.GetByteCount(realm) + Encoding.UTF8.GetByteCount(token);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var realmBytes = Encoding.UTF8.GetBytes(realm, buffer[sizeof(int)..]);
            BinaryPrimitives.WriteInt32LittleEndian(buffer, realmBytes);
            var tokenBytes = Encoding.UTF8.GetBytes(token, buffer[(sizeof(int) + realmBytes)..]);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..(sizeof(int) + realmBytes + tokenBytes)], hash);
            return new TokenKey(hash);
        }
        finally
        {
            if (rented is not null)
            {
                CryptographicOperations.ZeroMemory(rented.AsSpan(0, length));
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public bool Equals(TokenKey other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;
    public override bool Equals(object? obj) => obj is TokenKey other && Equals(other);
    public override int GetHashCode() => (int)_a ^ (int)(_a >> 32);
    public static bool operator ==(TokenKey left, TokenKey right) => left.Equals(right);
    public static bool operator !=(TokenKey left, TokenKey right) => !left.Equals(right);
}
