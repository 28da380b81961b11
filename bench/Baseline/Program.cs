using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

// The baseline for bench/load.sh: the create route, the same body parsed with System.Text.Json into the
// same kind of DOM the product uses, and a response of the contract's shape and size. Nothing else.
var builder = WebApplication.CreateSlimBuilder(args);
// As the web template's appsettings.json (and the product's defaults): console logging, framework at Warning.
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Logging:LogLevel:Default"] = "Information",
    ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
});
var app = builder.Build();

long serial = 0;
app.MapPost("/api/v2/ticketing/ticket/create/{teamId}/{itemTypeId}", async (HttpContext context, string teamId, string itemTypeId) =>
{
    using var doc = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
    var body = doc.RootElement;
    var data = new JsonObject();
    foreach (var property in body.GetProperty("ticketBody").EnumerateObject())
        data[property.Name] = JsonValue.Create(property.Value.Clone());
    data["ccWatchers"] = new JsonArray();
    data["toWatchers"] = new JsonArray();
    data["submittedBy"] = "user@example.com";
    data["lastUpdatedBy"] = new JsonObject { ["lastName"] = "Doe", ["username"] = "user@example.com", ["firstName"] = "Jane" };

    var number = Interlocked.Increment(ref serial);
    var objectId = string.Create(CultureInfo.InvariantCulture, $"CTC-{number:D4}");
    var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    var etag = Guid.NewGuid().ToString();
    var ticket = new BaselineTicket(Guid.NewGuid().ToString(), context.Request.Headers["x-tenantid"].ToString(), objectId, etag,
        body.GetProperty("summary").GetString()!, data, new BaselineLookup(teamId, itemTypeId), null, -1, 1, "Open", "To-do Category",
        now, now, number, [], [], body.GetProperty("source").GetString()!, context.Request.Query["type"].ToString(),
        context.Request.Query["module"].ToString(), false, [], null);

    context.Response.Headers.ETag = $"\"{etag}\"";
    context.Response.Headers.Location = $"/api/v2/ticketing/ticket/{objectId}";
    await context.Response.WriteAsJsonAsync(new BaselineResponse(true, "ticket created successfully", 200, objectId, ticket),
        BaselineJson.Relaxed.BaselineResponse, "application/json; charset=utf-8", context.RequestAborted);
});
app.MapGet("/ready", () => "ok");
app.Run();

public sealed record BaselineResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("objectId")] string ObjectId,
    [property: JsonPropertyName("ticket")] BaselineTicket Ticket);

public sealed record BaselineTicket(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("object_id")] string ObjectId,
    [property: JsonPropertyName("etag")] string Etag,
    [property: JsonPropertyName("summary")] string Summary,
    [property: JsonPropertyName("data")] JsonObject Data,
    [property: JsonPropertyName("lookup_props")] BaselineLookup LookupProps,
    [property: JsonPropertyName("moved_to")] string? MovedTo,
    [property: JsonPropertyName("deleted_seq")] long DeletedSeq,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("status_type")] string StatusType,
    [property: JsonPropertyName("status_category")] string StatusCategory,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("id_serial")] long IdSerial,
    [property: JsonPropertyName("metrics")] JsonArray Metrics,
    [property: JsonPropertyName("slas")] JsonArray Slas,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("module")] string Module,
    [property: JsonPropertyName("is_support_request")] bool IsSupportRequest,
    [property: JsonPropertyName("attachments")] JsonObject Attachments,
    [property: JsonPropertyName("ticket_relation")] JsonObject? TicketRelation);

public sealed record BaselineLookup(
    [property: JsonPropertyName("teamId")] string TeamId,
    [property: JsonPropertyName("itemTypeId")] string ItemTypeId);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BaselineResponse))]
internal sealed partial class BaselineJson : JsonSerializerContext
{
    public static BaselineJson Relaxed { get; } = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
