using Microsoft.AspNetCore.Http;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Api;

/// <summary>The contract's request headers, as sent (validated by <see cref="Validate"/>).</summary>
public sealed record RequestHeaders(string? TenantId, string? Realm, string? IsSupportRequest)
{
    public const string TenantIdHeader = "x-tenantid";
    public const string RealmHeader = "realmname";
    public const string IsSupportRequestHeader = "issupportrequest";

    public static RequestHeaders From(HttpRequest request) => new(
        Single(request, TenantIdHeader), Single(request, RealmHeader), Single(request, IsSupportRequestHeader));

    private static string? Single(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;

    /// <summary>The support flag, once <see cref="Validate"/> passed.</summary>
    public bool SupportRequest => BooleanText.TryParse(IsSupportRequest, out var flag) && flag;

    public void Validate(ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(TenantId)) errors.Add(TenantIdHeader, $"Header {TenantIdHeader} is required");
        else if (!Guid.TryParseExact(TenantId, "D", out _)) errors.Add(TenantIdHeader, $"Header {TenantIdHeader} must be a UUID");

        if (string.IsNullOrWhiteSpace(Realm)) errors.Add(RealmHeader, $"Header {RealmHeader} is required");

        BooleanText.Parse(IsSupportRequest, BooleanText.Header, IsSupportRequestHeader, errors);
    }
}
