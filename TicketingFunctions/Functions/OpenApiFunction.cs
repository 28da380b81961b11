using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Hosting;
using TicketingFunctions.OpenApi;

namespace TicketingFunctions.Functions;

/// <summary>
/// Serves the API's OpenAPI description, anonymously, as YAML (as written) and JSON (converted once). In Development
/// any origin may read it (CORS), so that viewers hosted elsewhere can load a local API's document.
/// </summary>
public sealed class OpenApiFunction(OpenApiDescription description, RequestPipeline pipeline, IHostEnvironment environment)
{
    [Function("GetOpenApiYaml")]
    public Task<IActionResult> Yaml(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApiYaml)] HttpRequest req) =>
        pipeline.RunAnonymousAsync(req, () => Document(req, "application/yaml; charset=utf-8", description.Yaml));

    [Function("GetOpenApiJson")]
    public Task<IActionResult> Json(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApiJson)] HttpRequest req) =>
        pipeline.RunAnonymousAsync(req, () => Document(req, "application/json; charset=utf-8", description.Json));

    private IActionResult Document(HttpRequest req, string contentType, ReadOnlyMemory<byte> body)
    {
        if (environment.IsDevelopment()) req.HttpContext.Response.Headers.AccessControlAllowOrigin = "*";
        return HttpResults.Bytes(200, contentType, body);
    }
}
