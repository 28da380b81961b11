using System.IO.Compression;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using TicketingFunctions.Api;

namespace TicketingFunctions.Functions;

/// <summary>
/// <c>GET /api/docs</c>: Swagger UI over the document <see cref="OpenApiFunction"/> serves, with its scripts and styles
/// from the Swashbuckle.AspNetCore.SwaggerUI package's assembly (no CDN). A function, not middleware, so that it runs
/// under the Functions host too. On in Development; elsewhere <c>ApiDocs__Enabled=true</c> turns it on.
/// </summary>
public sealed class ApiDocsFunction(IConfiguration configuration, IHostEnvironment environment, RequestPipeline pipeline)
{
    public const string EnabledSetting = "ApiDocs:Enabled";

    private static readonly Assembly SwaggerUi = typeof(Swashbuckle.AspNetCore.SwaggerUI.SwaggerUIOptions).Assembly;
    private const string ResourcePrefix = "Swashbuckle.AspNetCore.SwaggerUI.node_modules.swagger_ui_dist.";

    /// <summary>The files the page loads, by name, with their types; nothing else of the package is served.</summary>
    private static readonly Dictionary<string, (string ContentType, Lazy<byte[]> Bytes)> Assets = new(StringComparer.Ordinal)
    {
        ["swagger-ui.css"] = ("text/css; charset=utf-8", new(() => Resource("swagger-ui.css"))),
        ["swagger-ui-bundle.js"] = ("text/javascript; charset=utf-8", new(() => Resource("swagger-ui-bundle.js"))),
        ["favicon-32x32.png"] = ("image/png", new(() => Resource("favicon-32x32.png"))),
    };

    // Relative URLs: the page is /api/docs, so "docs/…" and "openapi.json" resolve under the route prefix whatever it is.
    private static readonly byte[] Page = System.Text.Encoding.UTF8.GetBytes("""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>TicketingFunctions API</title>
        <link rel="stylesheet" href="docs/swagger-ui.css">
        <link rel="icon" type="image/png" href="docs/favicon-32x32.png">
        </head>
        <body>
        <div id="swagger-ui"></div>
        <script src="docs/swagger-ui-bundle.js"></script>
        <script>
        window.ui = SwaggerUIBundle({
          url: "openapi.json",
          dom_id: "#swagger-ui",
          deepLinking: true,
          persistAuthorization: false,
          tryItOutEnabled: false,
          validatorUrl: null
        });
        </script>
        </body>
        </html>

        """);

    public bool Enabled => configuration.GetValue<bool?>(EnabledSetting) ?? environment.IsDevelopment();

    [Function("GetApiDocs")]
    public Task<IActionResult> Docs(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ApiDocs)] HttpRequest req) =>
        pipeline.RunAnonymousAsync(req, () => Task.FromResult(Enabled
            ? HttpResults.Bytes(200, "text/html; charset=utf-8", Page)
            : HttpResults.Error(ApiError.RouteTargetNotFound("The API reference is turned off (ApiDocs__Enabled)"), req)));

    [Function("GetApiDocsAsset")]
    public Task<IActionResult> Asset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ApiDocsAsset)] HttpRequest req, string asset) =>
        pipeline.RunAnonymousAsync(req, () =>
        {
            if (!Enabled || !Assets.TryGetValue(asset, out var file))
                return Task.FromResult(HttpResults.Error(ApiError.RouteTargetNotFound("Not found"), req));
            // The files change only with the package version.
            req.HttpContext.Response.Headers.CacheControl = "public, max-age=3600";
            return Task.FromResult(HttpResults.Bytes(200, file.ContentType, file.Bytes.Value));
        });

    private static byte[] Resource(string name)
    {
        using var stream = SwaggerUi.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"Swashbuckle.AspNetCore.SwaggerUI has no {name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        if (bytes is not [0x1f, 0x8b, ..]) return bytes;
        // Some package versions keep their files gzipped.
        using var unzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        unzip.CopyTo(plain);
        return plain.ToArray();
    }
}
