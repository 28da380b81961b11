using System.Security.Cryptography;
using System.Text;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Tickets;

/// <summary>The rules of the <c>Idempotency-Key</c> header on create.</summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxLength = 255;
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>How long a claim may stay pending before another request may take the key over.</summary>
    public static readonly TimeSpan PendingTimeout = TimeSpan.FromSeconds(30);

    public static bool IsWellFormed(string key) =>
        key.Length is > 0 and <= MaxLength && key.All(c => c is > ' ' and <= '~');

    /// <summary>The record id: keys are per tenant and per user, hashed so any key text is a valid document id.</summary>
    public static string RecordId(Caller caller, string key) =>
        "idem-" + Hex($"{caller.TenantId}\n{caller.Realm}\n{caller.Username}\n{key}");

    /// <summary>What makes two requests "the same": the route, the query, the support flag and the body.</summary>
    public static string RequestHash(CreateTicketRequest request, string rawBody) =>
        Hex($"{request.TeamId}\n{request.ItemTypeId}\n{request.CatalogType}\n{request.Module}\n{request.Headers.SupportRequest}\n{rawBody}");

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
