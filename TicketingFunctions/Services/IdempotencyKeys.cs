using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TicketingFunctions.Auth;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Services;

/// <summary>The rules of the <c>Idempotency-Key</c> header on create.</summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxLength = 255;
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>How long a claim may stay pending before another request may take the key over.</summary>
    public static readonly TimeSpan PendingTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The pending record a request with a key stores first (<see cref="Storage.ITicketStore.ClaimIdempotencyKeyAsync"/>).</summary>
    public static Storage.IdempotencyRecord PendingClaim(string recordId, string tenantId, string requestHash, DateTimeOffset now) => new()
    {
        Id = recordId,
        TenantId = tenantId,
        RequestHash = requestHash,
        State = Storage.IdempotencyRecord.Pending,
        CreatedAtUnixSeconds = now.ToUnixTimeSeconds(),
        ExpiresAtUnixSeconds = (now + Window).ToUnixTimeSeconds(),
        Ttl = (int)Window.TotalSeconds,
    };

    /// <summary>Whether a record held under the key may be taken over at <paramref name="now"/>: expired, or its request gave up.</summary>
    public static Func<Storage.IdempotencyRecord, bool> CanTakeOver(DateTimeOffset now) =>
        held => held.IsExpired(now) || held.IsAbandoned(now, PendingTimeout);

    public static bool IsWellFormed(string key) =>
        key.Length is > 0 and <= MaxLength && key.All(c => c is > ' ' and <= '~');

    /// <summary>The header's rules, checked with the other headers (one 400 for all of them): its form, and a caller with a subject.</summary>
    public static void CheckHeader(string? key, Caller caller, ValidationErrors errors)
    {
        if (key is not null && !IsWellFormed(key))
            errors.Add(Header, $"Header {Header} must be 1 to {MaxLength} visible ASCII characters");
        else if (key is not null && caller.Subject is null)
            errors.Add(Header, $"Header {Header} needs a token with a subject (sub): keys belong to the caller's identity");
    }

    /// <summary>
    /// The record id: keys are per tenant and per caller identity, the token's issuer and subject (never a username or
    /// email, which can be shared or change). Hashed, with lengths, so any key text is a valid document id and no two
    /// (issuer, subject, key) triples share an input.
    /// </summary>
    public static string RecordId(Caller caller, string key) =>
        "idem-" + Hex($"{caller.TenantId}\n{caller.Identity.Canonical}\n{key}");

    /// <summary>
    /// What makes two requests "the same": the route, the query parameters that matter (by name, so their order in
    /// the URL doesn't), the support flag and the body as parsed (so whitespace and escaping don't matter either).
    /// </summary>
    public static string RequestHash(CreateTicketRequest request, bool supportRequest, JsonElement body) =>
        Hex($"{request.TeamId}\n{request.ItemTypeId}\n{request.CatalogType}\n{request.Module}\n{supportRequest}\n{Minified(body)}");

    /// <summary>What makes two moves "the same": the ticket they move and the body as parsed (the etag of If-Match included).</summary>
    public static string RequestHash(string objectId, MoveTarget target, JsonElement body) =>
        Hex($"move\n{objectId}\n{target.Etag}\n{Minified(body)}");

    private static string Minified(JsonElement body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            body.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
