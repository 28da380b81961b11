using System.Text.Json;

namespace TicketingFunctions.Hosting;

/// <summary>
/// Reads the "Values" of a Functions local.settings.json, so one settings file serves both hosts.
/// Keys use the environment-variable form (Section__Key) and become configuration keys (Section:Key).
/// </summary>
public static class LocalSettings
{
    public const string FileName = "local.settings.json";
    public const string SampleFileName = "local.settings.sample.json";

    public static Dictionary<string, string?> Read(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (doc.RootElement.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in section.EnumerateObject())
            {
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => property.Value.GetRawText(),
                };
            }
        }
        return values;
    }

    /// <summary>The first local.settings.json in the working directory or beside the app, if any.</summary>
    public static string? Find(string fileName = FileName)
    {
        foreach (var folder in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            var path = Path.Combine(folder, fileName);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
