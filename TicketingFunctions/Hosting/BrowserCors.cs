using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Api;
using TicketingFunctions.Functions;
using TicketingFunctions.Services;

namespace TicketingFunctions.Hosting;

/// <summary>
/// CORS for browser clients on the standalone host, from <c>Cors__AllowedOrigins</c> (comma-separated; empty, the
/// default, means no CORS at all). Under the Functions host the platform answers CORS from the same list (infra/).
/// A preflight from an origin not on the list is not answered as CORS: it gets the plain 405 of a path without OPTIONS.
/// Bearer tokens travel in a header, so no credentials (cookies) are allowed.
/// </summary>
public static class BrowserCors
{
    public const string SettingKey = "Cors:AllowedOrigins";

    public static IReadOnlyList<string> AllowedOrigins(IConfiguration configuration) =>
        (configuration[SettingKey] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.TrimEnd('/')).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    public static void AddBrowserCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = AllowedOrigins(configuration);
        if (origins.Count == 0) return;
        services.AddCors(o => o.AddDefaultPolicy(policy => policy
            .WithOrigins([.. origins])
            .WithMethods("GET", "POST", "PATCH")
            .WithHeaders("Authorization", "Content-Type", RequestHeaders.TenantIdHeader, RequestHeaders.RealmHeader, RequestHeaders.IsSupportRequestHeader,
                RequestPipeline.CorrelationHeader, IdempotencyKeys.Header, "If-Match")
            .WithExposedHeaders("ETag", "Location", "Retry-After", "WWW-Authenticate", IdempotencyKeys.ReplayedHeader, RequestPipeline.CorrelationHeader)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
    }

    public static void UseBrowserCors(this WebApplication app)
    {
        var origins = AllowedOrigins(app.Configuration);
        if (origins.Count == 0) return;
        var allowed = new HashSet<string>(origins, StringComparer.OrdinalIgnoreCase);
        app.UseWhen(context => !IsPreflight(context.Request) || allowed.Contains(context.Request.Headers.Origin.ToString()), branch => branch.UseCors());
    }

    private static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey(CorsConstants.AccessControlRequestMethod);
}
