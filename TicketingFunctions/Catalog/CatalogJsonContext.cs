using System.Text.Json;
using System.Text.Json.Serialization;

namespace TicketingFunctions.Catalog;

/// <summary>
/// Source-generated JSON metadata for catalogs: a catalog file, and a tenant's catalog as the stores keep it. Beside the
/// catalog, so that reading a file or a store needs nothing from the API's layer; the options are the API's
/// (<c>ApiJsonContext</c>).
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    PropertyNameCaseInsensitive = false,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(CatalogFile))]
[JsonSerializable(typeof(TenantCatalog))]
public sealed partial class CatalogJsonContext : JsonSerializerContext;
