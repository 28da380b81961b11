using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TicketingFunctions.OpenApi;

namespace TicketingFunctions.Functions;

/// <summary>Serves the API's OpenAPI description, anonymously, as YAML (as written) and JSON (converted once).</summary>
public sealed class OpenApiFunction(OpenApiDescription description, RequestPipeline pipeline)
{
    [Function("GetOpenApiYaml")]
    public Task<IActionResult> Yaml(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApiYaml)] HttpRequest req) =>
        pipeline.RunAnonymousAsync(req, () => HttpResults.Bytes(200, "application/yaml; charset=utf-8", description.Yaml));

    [Function("GetOpenApiJson")]
    public Task<IActionResult> Json(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApiJson)] HttpRequest req) =>
        pipeline.RunAnonymousAsync(req, () => HttpResults.Bytes(200, "application/json; charset=utf-8", description.Json));
}
