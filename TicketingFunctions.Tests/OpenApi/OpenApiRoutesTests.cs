using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TicketingFunctions.Hosting;

namespace TicketingFunctions.Tests.OpenApi;

/// <summary>
/// The document and the code agree on what exists: its paths and methods are exactly the [HttpTrigger]
/// routes of the function app (found by reflection, as the standalone host maps them), so a new function
/// without documentation, or documentation without a function, fails here.
/// </summary>
public sealed partial class OpenApiRoutesTests
{
    private static readonly OpenApiContract Contract = OpenApiContract.Instance;

    private static string RoutePrefix => FunctionEndpoints.ReadRoutePrefix(Path.Combine(AppContext.BaseDirectory, "host.json"));

    /// <summary>ASP.NET Core route syntax → OpenAPI path syntax: "{id:int}" and "{*rest}" → "{id}", "{rest}".</summary>
    [GeneratedRegex(@"\{\*{0,2}([A-Za-z0-9_]+)(?::[^}]*)?\??\}")]
    private static partial Regex RouteParameter();

    private static IReadOnlySet<string> CodeOperations() =>
        FunctionEndpoints.Discover(typeof(FunctionEndpoints).Assembly)
            .SelectMany(f => f.Methods.Select(m => $"{m} /{RoutePrefix}/{RouteParameter().Replace(f.Route, "{$1}")}"))
            .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void The_documents_paths_and_methods_are_exactly_the_http_trigger_routes()
    {
        var code = CodeOperations();
        var documented = Contract.Operations.Select(o => $"{o.Method} {o.Path}").ToHashSet(StringComparer.Ordinal);

        var undocumented = code.Except(documented).Order().ToArray();
        var noFunction = documented.Except(code).Order().ToArray();
        Assert.True(undocumented.Length == 0 && noFunction.Length == 0,
            "openapi.yaml and the [HttpTrigger] routes differ.\n"
            + $"  Functions missing from openapi.yaml: {string.Join(", ", undocumented)}\n"
            + $"  Operations in openapi.yaml with no function: {string.Join(", ", noFunction)}");
        Assert.True(code.Count >= 5, "reflection found too few functions: is the discovery broken?");
    }

    [Fact]
    public void Every_servers_base_path_is_host_jsons_route_prefix()
    {
        Assert.Equal("/" + RoutePrefix, Contract.BasePath);
        foreach (var server in Contract.Document["servers"]!.AsArray())
            Assert.Equal("/" + RoutePrefix, new Uri(new Uri("http://any"), OpenApiContract.ServerUrl(server!.AsObject())).AbsolutePath.TrimEnd('/'));
    }

    [Fact]
    public void Every_operation_has_a_unique_id_declares_its_path_parameters_and_lists_explicit_statuses()
    {
        var problems = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in Contract.Document["paths"]!.AsObject())
        {
            var templateNames = RouteParameter().Matches(path).Select(m => m.Groups[1].Value).Order().ToArray();
            foreach (var (method, operationNode) in item!.AsObject().Where(p => OpenApiContract.HttpMethods.Contains(p.Key)))
            {
                var operation = operationNode!.AsObject();
                var where = $"{method.ToUpperInvariant()} {path}";
                if (operation["operationId"]?.GetValue<string>() is not { } id || !ids.Add(id)) problems.Add($"{where}: missing or duplicate operationId");

                var declared = (item["parameters"]?.AsArray() ?? []).Concat(operation["parameters"]?.AsArray() ?? [])
                    .Select(p => Contract.Resolve(p!))
                    .Where(p => p["in"]?.GetValue<string>() == "path")
                    .Select(p => p["name"]!.GetValue<string>()).Order().ToArray();
                if (!templateNames.SequenceEqual(declared))
                    problems.Add($"{where}: path parameters [{string.Join(", ", declared)}] ≠ template [{string.Join(", ", templateNames)}]");

                foreach (var (status, _) in operation["responses"]!.AsObject())
                    if (!Regex.IsMatch(status, "^[1-5][0-9]{2}$"))
                        problems.Add($"{where}: response '{status}' must be an explicit status code, so that every status the API answers is listed");

                if (operation["security"] is not JsonArray) problems.Add($"{where}: say its security explicitly ([] for anonymous)");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_authenticated_operation_accepts_both_bearer_flavours_realm_and_Entra_ID()
    {
        var schemes = Contract.Document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal(["bearerAuth", "entraBearer"], schemes.Select(s => s.Key).Order());
        Assert.Contains("realmname: entra", schemes["entraBearer"]!["description"]!.GetValue<string>());

        var authenticated = 0;
        foreach (var (path, item) in Contract.Document["paths"]!.AsObject())
        foreach (var (method, operation) in item!.AsObject().Where(p => OpenApiContract.HttpMethods.Contains(p.Key)))
        {
            var security = operation!["security"]!.AsArray();
            if (security.Count == 0) continue;
            authenticated++;
            // Alternatives: either requirement alone satisfies the operation.
            Assert.True(security.Select(r => string.Join(",", r!.AsObject().Select(p => p.Key))).Order().SequenceEqual(["bearerAuth", "entraBearer"]),
                $"{method.ToUpperInvariant()} {path}: security must offer bearerAuth and entraBearer as alternatives");
        }
        Assert.True(authenticated >= 5);
    }
}
