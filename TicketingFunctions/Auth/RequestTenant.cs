using Microsoft.AspNetCore.Http;

namespace TicketingFunctions.Auth;

/// <summary>The validated caller's tenant, kept on the request for its log line (never the header's unvalidated value).</summary>
public static class RequestTenant
{
    private static readonly object Key = new();

    public static void Set(HttpContext context, string? tenantId) => context.Items[Key] = tenantId;

    public static string? Of(HttpContext context) => context.Items.TryGetValue(Key, out var tenant) ? tenant as string : null;
}
