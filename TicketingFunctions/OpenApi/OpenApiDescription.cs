using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.YamlReader;
using SharpYaml.Serialization;

namespace TicketingFunctions.OpenApi;

/// <summary>
/// The API's hand-written OpenAPI description (<c>openapi.yaml</c>, an embedded resource), as served: the YAML
/// byte for byte, and its JSON form, converted once per process with Microsoft.OpenApi's YAML converter
/// (the one its reader uses, with its null sentinel turned back into JSON null), so both forms are the same
/// document.
/// </summary>
public sealed class OpenApiDescription
{
    public const string ResourceName = "TicketingFunctions.openapi.yaml";

    private readonly Lazy<byte[]> _yaml = new(ReadResource);
    private readonly Lazy<byte[]> _json;

    public OpenApiDescription() => _json = new(() => ToJson(Encoding.UTF8.GetString(_yaml.Value)));

    /// <summary>The document as written (UTF-8).</summary>
    public ReadOnlyMemory<byte> Yaml => _yaml.Value;

    /// <summary>The same document as JSON (UTF-8, indented).</summary>
    public ReadOnlyMemory<byte> Json => _json.Value;

    /// <summary>YAML text → JSON node, with YAML's scalar typing (numbers, booleans, null) as the OpenAPI reader sees it.</summary>
    public static JsonNode ToJsonNode(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count != 1) throw new InvalidDataException($"Expected one YAML document, found {stream.Documents.Count}.");
        return WithJsonNulls(YamlConverter.ToJsonNode(stream.Documents[0]))!;
    }

    /// <summary>The converter writes YAML nulls as Microsoft.OpenApi's sentinel string; JSON gets real nulls.</summary>
    private static JsonNode? WithJsonNulls(JsonNode? node)
    {
        if (node is JsonValue && JsonNullSentinel.IsJsonNullSentinel(node)) return null;
        if (node is JsonObject obj)
        {
            foreach (var (name, value) in obj.ToList())
                if (value is JsonValue && JsonNullSentinel.IsJsonNullSentinel(value)) obj[name] = null;
                else WithJsonNulls(value);
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
                if (array[i] is JsonValue && JsonNullSentinel.IsJsonNullSentinel(array[i]!)) array[i] = null;
                else WithJsonNulls(array[i]);
        }
        return node;
    }

    private static byte[] ToJson(string yaml) =>
        Encoding.UTF8.GetBytes(ToJsonNode(yaml).ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));

    private static byte[] ReadResource()
    {
        using var stream = typeof(OpenApiDescription).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
