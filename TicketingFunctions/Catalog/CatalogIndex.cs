namespace TicketingFunctions.Catalog;

/// <summary>A tenant's catalog with dictionary lookups, built once per cache fill.</summary>
public sealed class CatalogIndex
{
    public TenantCatalog Catalog { get; }
    /// <summary>The catalog's ticket types in their effective form (<see cref="TicketType.Effective"/>), in catalog order.</summary>
    public IReadOnlyList<TicketType> TicketTypes { get; }
    private readonly Dictionary<string, TicketType> _types;
    private readonly Dictionary<string, Offer> _offers;
    private readonly HashSet<string> _teams;
    private readonly Dictionary<string, TenantAgent> _agents;
    private readonly Dictionary<string, Dictionary<string, FieldDefinition>> _fieldsByType;

    public CatalogIndex(TenantCatalog catalog)
    {
        Catalog = catalog;
        _types = new(StringComparer.Ordinal);
        _fieldsByType = new(StringComparer.Ordinal);
        var types = new List<TicketType>(catalog.TicketTypes?.Count ?? 0);
        foreach (var stored in catalog.TicketTypes ?? [])
        {
            var type = stored.Effective();
            types.Add(type);
            _types[type.Id] = type;
            var fields = new Dictionary<string, FieldDefinition>(StringComparer.OrdinalIgnoreCase);
            foreach (var field in type.Fields ?? []) fields[field.Id] = field;
            _fieldsByType[type.Id] = fields;
        }
        TicketTypes = types;
        _offers = (catalog.Offers ?? []).ToDictionary(o => o.Id, StringComparer.Ordinal);
        _teams = (catalog.Teams ?? []).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        _agents = new(StringComparer.OrdinalIgnoreCase);
        foreach (var agent in catalog.Agents ?? [])
            if (!string.IsNullOrWhiteSpace(agent.Username) && !string.IsNullOrWhiteSpace(agent.Email)) _agents.TryAdd(agent.Username, agent);
    }

    public TicketType? FindType(string id) => _types.GetValueOrDefault(id);
    public Offer? FindOffer(string id) => _offers.GetValueOrDefault(id);
    public bool HasTeam(string teamId) => _teams.Contains(teamId);
    /// <summary>The known agent with this username (compared ignoring case), or null.</summary>
    public TenantAgent? FindAgent(string username) => _agents.GetValueOrDefault(username);

    /// <summary>The type's field with this id (field UUIDs compare case-insensitively).</summary>
    public FieldDefinition? FindField(TicketType type, string fieldId) =>
        _fieldsByType.TryGetValue(type.Id, out var fields) ? fields.GetValueOrDefault(fieldId) : null;
}
