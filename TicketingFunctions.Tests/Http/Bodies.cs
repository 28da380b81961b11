using System.Text.Json;
using System.Text.Json.Nodes;

namespace TicketingFunctions.Tests.Http;

/// <summary>Request bodies from the contract, and helpers to read responses.</summary>
public static class Bodies
{
    public const string TitleField = "ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53";
    public const string DescriptionField = "7f111983-1013-41be-a056-989fff018bb5";
    public const string NeededWithinField = "711ea9e6-1b73-4070-9eb2-941803f7f5d4";
    public const string NumberField = "93aabbc9-fd45-407d-8569-b140bf9cc6a7";
    public const string UpdatedAtField = "5b53c791-e047-40e8-9e88-bae13f153cc3";

    /// <summary>The contract's example cURL body.</summary>
    public const string ContractExample = """
        {
          "source": "api",
          "summary": "Hardware request - new laptop",
          "ticketBody": {
            "offerId": "23629",
            "ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53": "Need a replacement laptop",
            "7f111983-1013-41be-a056-989fff018bb5": "<p>Current laptop battery no longer holds charge.</p>",
            "711ea9e6-1b73-4070-9eb2-941803f7f5d4": "<2week"
          },
          "attachments": {},
          "ticketRelation": null
        }
        """;

    /// <summary>The contract example with one top-level key or one ticketBody key changed (null value removes it).</summary>
    public static string Example(Action<JsonObject>? edit = null)
    {
        var body = JsonNode.Parse(ContractExample)!.AsObject();
        edit?.Invoke(body);
        return body.ToJsonString();
    }

    public static JsonObject TicketBody(this JsonObject body) => body["ticketBody"]!.AsObject();

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"Expected JSON, got {response.Content.Headers.ContentType}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The messages for one key of validationResult.reason.</summary>
    public static string[] Reasons(this JsonElement error, string key) =>
        error.GetProperty("validationResult").GetProperty("reason").TryGetProperty(key, out var list)
            ? list.EnumerateArray().Select(e => e.GetString()!).ToArray()
            : [];

    public static string[] ReasonKeys(this JsonElement error) =>
        error.GetProperty("validationResult").GetProperty("reason").EnumerateObject().Select(p => p.Name).ToArray();
}
