using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using TicketingFunctions.OpenApi;

namespace TicketingFunctions.Tests.OpenApi;

/// <summary>One documented response: an operation, a status and a media type ("" for a response with no body).</summary>
public readonly record struct ResponseKey(string OperationId, int Status, string MediaType)
{
    public override string ToString() => MediaType.Length == 0 ? $"{OperationId} {Status} (no body)" : $"{OperationId} {Status} {MediaType}";
}

/// <summary>An operation of the document that a request matched.</summary>
public sealed record MatchedOperation(string PathTemplate, string Method, string OperationId, JsonObject Operation);

/// <summary>
/// The API's OpenAPI document (as the app serves it) read as JSON, and the check of one HTTP exchange
/// against it: the operation must exist for the request's path and method, the status must be listed for
/// that operation, the body must match the documented media type and validate against its schema
/// (JsonSchema.Net, draft 2020-12, formats asserted), a response documented without content must have no
/// body, and documented headers must be present when required and valid when present.
/// </summary>
public sealed class OpenApiContract
{
    private const string Dialect = "https://json-schema.org/draft/2020-12/schema";
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true };

    public static OpenApiContract Instance { get; } = new(JsonNode.Parse(new OpenApiDescription().Json.Span)!.AsObject());

    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private readonly JsonObject _defs;
    private int _schemaCount;

    public OpenApiContract(JsonObject document)
    {
        Document = document;
        BasePath = new Uri(new Uri("http://host"), ServerUrl(document["servers"]![0]!.AsObject())).AbsolutePath.TrimEnd('/');
        _defs = (JsonObject)RewriteRefs(document["components"]?["schemas"]?.DeepClone() ?? new JsonObject());
    }

    public JsonObject Document { get; }

    /// <summary>The path of the first server's URL ("/api"): every documented path is below it.</summary>
    public string BasePath { get; }

    /// <summary>A server's URL with its variables at their defaults.</summary>
    public static string ServerUrl(JsonObject server)
    {
        var url = server["url"]!.GetValue<string>();
        foreach (var (name, variable) in server["variables"]?.AsObject() ?? [])
            url = url.Replace("{" + name + "}", variable!["default"]!.GetValue<string>(), StringComparison.Ordinal);
        return url;
    }

    public static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    /// <summary>Every (METHOD, path template) in the document, with the base path, e.g. ("POST", "/api/v2/…/{teamId}/{itemTypeId}").</summary>
    public IEnumerable<(string Method, string Path, string OperationId, JsonObject Operation)> Operations =>
        Document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(op => HttpMethods.Contains(op.Key))
            .Select(op => (op.Key.ToUpperInvariant(), BasePath + path.Key, op.Value!["operationId"]?.GetValue<string>() ?? $"{op.Key.ToUpperInvariant()} {path.Key}", op.Value!.AsObject())));

    /// <summary>Every documented (operation, status, media type).</summary>
    public IEnumerable<ResponseKey> DocumentedResponses =>
        Operations.SelectMany(op => op.Operation["responses"]!.AsObject().SelectMany(r =>
        {
            var response = Resolve(r.Value!).AsObject();
            var status = int.Parse(r.Key, CultureInfo.InvariantCulture);
            return response["content"] is JsonObject content && content.Count > 0
                ? content.Select(c => new ResponseKey(op.OperationId, status, c.Key))
                : [new ResponseKey(op.OperationId, status, "")];
        }));

    /// <summary>Whether some documented path (any method) matches the request's path.</summary>
    public bool MatchesPath(Uri uri) => Document["paths"]!.AsObject().Select(p => p.Value!.AsObject())
        .SelectMany(item => HttpMethods.Where(item.ContainsKey))
        .Any(method => Match(new HttpMethod(method.ToUpperInvariant()), uri) is not null);

    /// <summary>The operation a request goes to: literal segments win over parameters, left to right, as in ASP.NET Core routing.</summary>
    public MatchedOperation? Match(HttpMethod method, Uri uri)
    {
        var path = uri.AbsolutePath;
        if (!path.StartsWith(BasePath + "/", StringComparison.Ordinal)) return null;
        var segments = path[BasePath.Length..].Split('/')[1..];
        var candidates = new List<(string Template, JsonObject PathItem, bool[] Literal)>();
        foreach (var (template, item) in Document["paths"]!.AsObject())
        {
            var parts = template.Split('/')[1..];
            if (parts.Length != segments.Length) continue;
            var literal = new bool[parts.Length];
            var matches = true;
            for (var i = 0; i < parts.Length && matches; i++)
            {
                literal[i] = !(parts[i].StartsWith('{') && parts[i].EndsWith('}'));
                matches = literal[i] ? string.Equals(parts[i], segments[i], StringComparison.OrdinalIgnoreCase) : segments[i].Length > 0;
            }
            if (matches) candidates.Add((template, item!.AsObject(), literal));
        }
        foreach (var (template, item, _) in candidates.OrderByDescending(c => string.Concat(c.Literal.Select(l => l ? '1' : '0')), StringComparer.Ordinal))
        {
            if (item[method.Method.ToLowerInvariant()] is JsonObject operation)
                return new MatchedOperation(template, method.Method, operation["operationId"]?.GetValue<string>() ?? $"{method.Method} {template}", operation);
        }
        return null;
    }

    /// <summary>The problems of one exchange; none means the response is what the document says.</summary>
    public IReadOnlyList<string> Check(HttpMethod method, Uri uri, HttpResponseMessage response, byte[] body, out ResponseKey? key)
    {
        key = null;
        var problems = new List<string>();
        var operation = Match(method, uri);
        if (operation is null)
        {
            // Routing's own answer to another method on a documented path: HTTP semantics, not an operation.
            if ((int)response.StatusCode == 405 && body.Length == 0 && MatchesPath(uri)) return problems;
            problems.Add($"the document has no operation for {method} {uri.AbsolutePath}");
            return problems;
        }

        var status = (int)response.StatusCode;
        if (operation.Operation["responses"]?[status.ToString(CultureInfo.InvariantCulture)] is not { } responseNode)
        {
            var listed = string.Join(", ", operation.Operation["responses"]!.AsObject().Select(r => r.Key));
            problems.Add($"status {status} is not documented for {operation.OperationId} ({method} {operation.PathTemplate}); documented: {listed}");
            return problems;
        }
        var documented = Resolve(responseNode).AsObject();

        CheckHeaders(documented, response, problems);

        var content = documented["content"] as JsonObject;
        if (content is null || content.Count == 0)
        {
            key = new ResponseKey(operation.OperationId, status, "");
            if (body.Length > 0) problems.Add($"the document says {status} has no body, but the response has {body.Length} bytes ({response.Content.Headers.ContentType})");
            return problems;
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant();
        // A response documented as */* (a download of what was uploaded) may have any media type.
        if (mediaType is not null && content[mediaType] is null && content["*/*"] is JsonObject) mediaType = "*/*";
        if (mediaType is null || content[mediaType] is not JsonObject media)
        {
            problems.Add($"content type {mediaType ?? "(none)"} is not documented for {status}; documented: {string.Join(", ", content.Select(c => c.Key))}");
            return problems;
        }
        key = new ResponseKey(operation.OperationId, status, mediaType);
        if (media["schema"] is not { } schema) return problems;

        JsonElement instance;
        if (IsJson(mediaType))
        {
            try { instance = JsonDocument.Parse(body).RootElement.Clone(); }
            catch (JsonException ex)
            {
                problems.Add($"the {mediaType} body is not JSON: {ex.Message}");
                return problems;
            }
        }
        else
        {
            instance = JsonSerializer.SerializeToElement(DecodeText(body, response.Content.Headers.ContentType));
        }
        problems.AddRange(Validate(schema, instance).Select(p => $"body {p}"));
        return problems;
    }

    /// <summary>Validates a JSON value against a schema of the document (its $refs to components/schemas resolved).</summary>
    public IReadOnlyList<string> Validate(JsonNode schema, JsonElement instance)
    {
        var compiled = _schemas.GetOrAdd(schema.ToJsonString(), _ => Compile(schema));
        var results = compiled.Evaluate(instance, Evaluation);
        if (results.IsValid) return [];
        var problems = new List<string>();
        Collect(results, problems);
        if (problems.Count == 0) problems.Add("does not validate against its schema");
        return problems;
    }

    /// <summary>The errors of failed evaluations, descending only into failed ones (a passing anyOf branch hides its siblings' errors).</summary>
    private static void Collect(EvaluationResults results, List<string> problems)
    {
        if (results.IsValid) return;
        if (results.Errors is not null)
            foreach (var (keyword, message) in results.Errors)
                problems.Add($"at '{results.InstanceLocation}' ({results.EvaluationPath}, {keyword}): {message}");
        foreach (var detail in results.Details ?? []) Collect(detail, problems);
    }

    /// <summary>Follows a $ref to components (responses, headers, examples, parameters…).</summary>
    public JsonNode Resolve(JsonNode node)
    {
        for (var depth = 0; depth < 16; depth++)
        {
            if (node is not JsonObject obj || obj["$ref"]?.GetValue<string>() is not { } reference) return node;
            if (!reference.StartsWith("#/", StringComparison.Ordinal)) throw new NotSupportedException($"Only local references are supported: {reference}");
            JsonNode? target = Document;
            foreach (var part in reference[2..].Split('/'))
                target = target?[part.Replace("~1", "/").Replace("~0", "~")];
            node = target ?? throw new InvalidDataException($"Unresolved reference {reference}");
        }
        throw new InvalidDataException("Reference chain too long");
    }

    private void CheckHeaders(JsonObject documented, HttpResponseMessage response, List<string> problems)
    {
        if (documented["headers"] is not JsonObject headers) return;
        foreach (var (name, headerNode) in headers)
        {
            var header = Resolve(headerNode!).AsObject();
            var values = response.Headers.TryGetValues(name, out var v) ? v
                : response.Content.Headers.TryGetValues(name, out var c) ? c : null;
            if (values is null)
            {
                if (header["required"]?.GetValue<bool>() == true) problems.Add($"required header {name} is missing");
                continue;
            }
            var text = string.Join(", ", values);
            if (header["schema"] is not { } schema) continue;
            var type = Resolve(schema)["type"]?.ToString();
            JsonElement instance = type is "integer" or "number" && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? JsonSerializer.SerializeToElement(number)
                : JsonSerializer.SerializeToElement(text);
            problems.AddRange(Validate(schema, instance).Select(p => $"header {name}: {text}: {p}"));
        }
    }

    private JsonSchema Compile(JsonNode schema)
    {
        var root = new JsonObject
        {
            ["$schema"] = Dialect,
            ["$id"] = $"https://ticketing.test/openapi/schema/{Interlocked.Increment(ref _schemaCount)}",
            ["$defs"] = _defs.DeepClone(),
            ["allOf"] = new JsonArray(RewriteRefs(schema.DeepClone())),
        };
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions());
    }

    /// <summary>"#/components/schemas/X" → "#/$defs/X", so each schema is a self-contained JSON Schema document.</summary>
    private static JsonNode RewriteRefs(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (name == "$ref" && value?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                        obj[name] = "#/$defs/" + reference["#/components/schemas/".Length..];
                    else if (value is not null) RewriteRefs(value);
                }
                break;
            case JsonArray array:
                foreach (var item in array) if (item is not null) RewriteRefs(item);
                break;
        }
        return node;
    }

    private static bool IsJson(string mediaType) => mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);

    private static string DecodeText(byte[] body, MediaTypeHeaderValue? contentType)
    {
        var encoding = contentType?.CharSet is { Length: > 0 } charset ? Encoding.GetEncoding(charset.Trim('"')) : Encoding.UTF8;
        return encoding.GetString(body);
    }
}
