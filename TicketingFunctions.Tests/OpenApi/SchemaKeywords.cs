using System.Text.Json.Nodes;

namespace TicketingFunctions.Tests.OpenApi;

/// <summary>
/// Finds keys in the document's Schema Objects that are no JSON Schema 2020-12 or OpenAPI 3.1 keyword. JSON Schema
/// ignores unknown keywords, so a YAML slip such as an unquoted comma in a flow mapping
/// (<c>{ description: Short summary, stored … }</c>) silently adds a key, and no schema validation notices it.
/// </summary>
public static class SchemaKeywords
{
    /// <summary>JSON Schema 2020-12 (core, applicator, unevaluated, validation, format, content, meta-data) and OpenAPI 3.1's additions.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "$comment", "$defs",
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems", "items", "contains",
        "properties", "patternProperties", "additionalProperties", "propertyNames", "unevaluatedItems", "unevaluatedProperties",
        "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
        "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
        "maxProperties", "minProperties", "required", "dependentRequired",
        "format", "contentEncoding", "contentMediaType", "contentSchema",
        "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
        "discriminator", "xml", "externalDocs", "example",
    };

    /// <summary>
    /// Each unknown key as "path: 'key'" (extensions, <c>x-…</c>, are allowed), and each subschema that is neither an
    /// object nor a boolean (a property left without its schema is null).
    /// </summary>
    public static IReadOnlyList<string> Unknown(JsonObject document)
    {
        var found = new List<string>();
        foreach (var (path, schema) in Schemas(document))
        {
            if (schema is JsonObject obj)
                found.AddRange(obj.Select(p => p.Key).Where(k => !Known.Contains(k) && !k.StartsWith("x-", StringComparison.Ordinal))
                    .Select(k => $"{path}: '{k}'"));
            else if (schema?.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
                found.Add($"{path}: not a schema (an object or a boolean)");
        }
        return found;
    }

    /// <summary>Every Schema Object: the components' schemas, and those of parameters, headers and media types, with their subschemas.</summary>
    private static IEnumerable<(string Path, JsonNode? Schema)> Schemas(JsonObject document)
    {
        var roots = new List<(string, JsonNode?)>();
        foreach (var (name, schema) in document["components"]?["schemas"]?.AsObject() ?? []) roots.Add(($"$.components.schemas.{name}", schema));
        // Anywhere else a schema sits under a "schema" key (parameters, headers, media types); examples are data, not schemas.
        void FindSchemaKeys(JsonNode? node)
        {
            if (node is JsonObject obj)
            {
                foreach (var (key, value) in obj)
                {
                    if (key is "example" or "examples" or "schemas") continue;
                    if (key == "schema" && value is JsonObject) roots.Add((value.GetPath(), value));
                    else FindSchemaKeys(value);
                }
            }
            else if (node is JsonArray array) foreach (var item in array) FindSchemaKeys(item);
        }
        FindSchemaKeys(document);
        return roots.SelectMany(root => WithSubschemas(root.Item1, root.Item2));
    }

    private static IEnumerable<(string Path, JsonNode? Schema)> WithSubschemas(string path, JsonNode? schema)
    {
        yield return (path, schema);
        if (schema is not JsonObject obj) yield break;
        foreach (var key in (string[])["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
                     "unevaluatedItems", "unevaluatedProperties", "contentSchema"])
            if (obj.ContainsKey(key)) foreach (var s in WithSubschemas($"{path}.{key}", obj[key])) yield return s;
        foreach (var key in (string[])["allOf", "anyOf", "oneOf", "prefixItems"])
        {
            var items = obj[key]?.AsArray() ?? [];
            for (var i = 0; i < items.Count; i++) foreach (var s in WithSubschemas($"{path}.{key}[{i}]", items[i])) yield return s;
        }
        foreach (var key in (string[])["properties", "patternProperties", "$defs", "dependentSchemas"])
            foreach (var (name, sub) in obj[key]?.AsObject() ?? []) foreach (var s in WithSubschemas($"{path}.{key}.{name}", sub)) yield return s;
    }
}
