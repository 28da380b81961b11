using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tests.Http;

/// <summary>Moves over a <see cref="TestApi"/>, and the catalog they need: the sample's plus a second type with the Hardware Request's fields.</summary>
public static class TicketMoveApi
{
    /// <summary>"Hardware Incident": Hardware Request's three fields, its own prefix, an SLA policy and an offer.</summary>
    public const string IncidentType = "16913";
    public const string IncidentPrefix = "HWI";
    public const string IncidentOffer = "23640";
    public const string HardwareRequest = "16910";
    /// <summary>"Hardware Escalation": Hardware Request's fields, and a clock that stops on the first public reply.</summary>
    public const string EscalationType = "16914";
    public const string EscalationPrefix = "HWE";
    /// <summary>The sample's "Incident" (REQ): none of Hardware Request's fields, and a required Number.</summary>
    public const string SampleIncident = "16911";
    public const string Agent = "ticket_agent";

    public static string MovePath(string objectId) => $"/api/v2/ticketing/ticket/{Uri.EscapeDataString(objectId)}/move";

    /// <summary>Settings for a host seeded with <see cref="CatalogPath"/>.</summary>
    public static void WithMoveCatalog(Dictionary<string, string?> settings) => settings["Catalog:SeedFile"] = CatalogPath;

    private static readonly Lazy<string> Written = new(() =>
    {
        var catalog = JsonNode.Parse(File.ReadAllText(CatalogFileReader.SampleCatalogPath))!;
        var tenant = catalog["tenants"]![0]!;
        var hardware = tenant["ticketTypes"]!.AsArray().First(t => t!["id"]!.GetValue<string>() == HardwareRequest)!;
        var incident = hardware.DeepClone();
        incident["id"] = IncidentType;
        incident["name"] = "Hardware Incident";
        incident["prefix"] = IncidentPrefix;
        incident["slaPolicies"] = JsonNode.Parse("""[{"name":"Time to fix","hours":8,"stopsAt":"Done Category"}]""");
        tenant["ticketTypes"]!.AsArray().Add(incident);
        var escalation = hardware.DeepClone();
        escalation["id"] = EscalationType;
        escalation["name"] = "Hardware Escalation";
        escalation["prefix"] = EscalationPrefix;
        escalation["slaPolicies"] = JsonNode.Parse("""[{"name":"Time to first response","hours":4,"stopsAt":"first_public_reply"},{"name":"Time to fix","hours":8,"stopsAt":"Done Category"}]""");
        tenant["ticketTypes"]!.AsArray().Add(escalation);
        tenant["offers"]!.AsArray().Add(JsonNode.Parse($$"""{"id":"23641","name":"Escalate broken hardware","item_type":"{{EscalationType}}","teamId":"james"}"""));
        tenant["offers"]!.AsArray().Add(JsonNode.Parse($$"""{"id":"{{IncidentOffer}}","name":"Report broken hardware","item_type":"{{IncidentType}}","teamId":"james"}"""));
        var path = Path.Combine(Path.GetTempPath(), $"move-catalog-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, catalog.ToJsonString());
        return path;
    });

    public static string CatalogPath => Written.Value;

    public static string AgentToken(this TestApi api, string teams = "james,facilities", string roles = Agent) => api.Token(roles: roles, teams: teams);

    public static string MoveBody(string teamId, string? itemTypeId = null, string? etag = null) =>
        JsonSerializer.Serialize(new Dictionary<string, string?> { ["teamId"] = teamId, ["itemTypeId"] = itemTypeId, ["etag"] = etag }
            .Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value));

    public static Task<HttpResponseMessage> MoveAsync(this TestApi api, string objectId, string body, string? token = null, string? ifMatch = null,
        string? idempotencyKey = null)
    {
        var request = api.Request(HttpMethod.Post, MovePath(objectId), token ?? api.AgentToken(), body);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return api.Client.SendAsync(request);
    }

    /// <summary>Asserts a 308 to <paramref name="successor"/>: Location, and the body naming it in <c>moved_to</c>.</summary>
    public static async Task AssertMoved(HttpResponseMessage response, string successor)
    {
        Assert.Equal((HttpStatusCode)308, response.StatusCode);
        // Location: the same operation on the successor (the request's path, its display id replaced).
        var asked = response.RequestMessage!.RequestUri!.AbsolutePath.Split('/');
        Assert.True(response.Headers.Location!.IsAbsoluteUri);
        var location = response.Headers.Location.AbsolutePath.Split('/');
        Assert.Equal(asked.Length, location.Length);
        var changed = Enumerable.Range(0, asked.Length).Where(i => asked[i] != location[i]).ToList();
        Assert.Equal(successor, location[Assert.Single(changed)]);
        var json = await response.JsonAsync();
        Assert.Equal("TICKET_MOVED", json.GetProperty("code").GetString());
        Assert.Equal(successor, json.GetProperty("moved_to").GetString());
        Assert.Equal($"The ticket was moved; it is now {successor}", json.GetProperty("message").GetString());
    }
}
