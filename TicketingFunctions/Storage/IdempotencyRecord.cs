using System.Text.Json.Serialization;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Storage;

/// <summary>
/// What a create with an <c>Idempotency-Key</c> left behind, in the tenant's partition of the tenants container:
/// the hash of the request it answered and, once done, the ticket it created. It expires after the replay
/// window (<c>ttl</c>, which Cosmos DB honours by deleting it).
/// </summary>
public sealed record IdempotencyRecord
{
    public const string Kind = "idempotency";
    public const string Pending = "pending";
    public const string Completed = "completed";

    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("tenant_id")] public required string TenantId { get; init; }
    [JsonPropertyName("kind")] public string DocumentKind { get; init; } = Kind;
    [JsonPropertyName("request_hash")] public required string RequestHash { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("created_at")] public required long CreatedAtUnixSeconds { get; init; }
    [JsonPropertyName("expires_at")] public required long ExpiresAtUnixSeconds { get; init; }
    /// <summary>Seconds until Cosmos DB deletes the record.</summary>
    [JsonPropertyName("ttl")] public required int Ttl { get; init; }
    /// <summary>The ticket as the first response returned it.</summary>
    [JsonPropertyName("ticket"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Ticket? Ticket { get; init; }

    public bool IsExpired(DateTimeOffset now) => ExpiresAtUnixSeconds <= now.ToUnixTimeSeconds();

    /// <summary>A pending record whose request should long have finished: its owner died or gave up.</summary>
    public bool IsAbandoned(DateTimeOffset now, TimeSpan pendingTimeout) =>
        State == Pending && CreatedAtUnixSeconds + (long)pendingTimeout.TotalSeconds <= now.ToUnixTimeSeconds();
}
