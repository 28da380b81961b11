using System.Text.Json;
using System.Text.Json.Serialization;

namespace TicketingFunctions.Catalog;

/// <summary>The file format of catalog.sample.json and of <c>seed-catalog</c>: every tenant's catalog.</summary>
public sealed record CatalogFile(
    [property: JsonPropertyName("tenants")] IReadOnlyList<TenantCatalog> Tenants);

/// <summary>One tenant's ticket types, offers and teams. Stored as one document in the tenant's partition.</summary>
public sealed record TenantCatalog(
    [property: JsonPropertyName("tenantId")] string TenantId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("realm")] string? Realm,
    [property: JsonPropertyName("teams")] IReadOnlyList<Team> Teams,
    [property: JsonPropertyName("ticketTypes")] IReadOnlyList<TicketType> TicketTypes,
    [property: JsonPropertyName("offers")] IReadOnlyList<Offer> Offers,
    [property: JsonPropertyName("agents"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TenantAgent>? Agents = null);

/// <summary>
/// A known agent of the tenant: who an <c>@username</c> in a comment names, and the address that mention adds to the
/// ticket's <c>toWatchers</c>. The catalog is the only directory of people the service has.
/// </summary>
public sealed record TenantAgent(
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("email")] string Email);

public sealed record Team(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name);

public sealed record TicketType(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("allowedRoles")] IReadOnlyList<string> AllowedRoles,
    [property: JsonPropertyName("initialStatus")] TicketStatus? InitialStatus,
    [property: JsonPropertyName("fields")] IReadOnlyList<FieldDefinition> Fields,
    [property: JsonPropertyName("workflow")] Workflow? Workflow = null,
    [property: JsonPropertyName("slaPolicies")] IReadOnlyList<SlaPolicy>? SlaPolicies = null)
{
    /// <summary>
    /// The type as tickets use it: its own workflow or <see cref="Catalog.Workflow.Default"/>, its initial status or the
    /// workflow's first, and its SLA policies or none. Discovery answers this form, so clients never guess a default.
    /// </summary>
    public TicketType Effective()
    {
        // A stored catalog bypasses the loader's checks; a workflow without statuses could not place any ticket.
        var workflow = Workflow is { Statuses.Count: > 0 } ? Workflow : Catalog.Workflow.Default;
        return this with { Workflow = workflow, InitialStatus = InitialStatus ?? workflow.Statuses[0], SlaPolicies = SlaPolicies ?? [] };
    }
}

public sealed record TicketStatus(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("category")] string Category)
{
    public static readonly TicketStatus Default = new("Open", "To-do Category");
}

/// <summary>A ticket type's field. Constraints that do not apply to its type stay null and are not serialized.</summary>
public sealed record FieldDefinition(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("required")] bool Required,
    [property: JsonPropertyName("defaultValue"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonElement? DefaultValue = null,
    [property: JsonPropertyName("options"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Options = null,
    [property: JsonPropertyName("min"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Min = null,
    [property: JsonPropertyName("max"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Max = null,
    [property: JsonPropertyName("maxLength"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxLength = null);

public sealed record Offer(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("item_type")] string ItemType,
    [property: JsonPropertyName("teamId")] string? TeamId);

/// <summary>Field types the validator understands.</summary>
public static class FieldTypes
{
    public const string Text = "text";
    public const string Textarea = "textarea";
    public const string RichText = "richtext";
    public const string Number = "number";
    public const string Date = "date";
    public const string Select = "select";
    public const string MultiSelect = "multiselect";
    public const string Checkbox = "checkbox";
    public const string Email = "email";

    public static bool IsKnown(string type) => type is Text or Textarea or RichText or Number or Date or Select or MultiSelect or Checkbox or Email;
}
