using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Storage;

/// <summary>
/// JSON for documents a store writes. It differs from the API's (<see cref="TicketJsonContext"/>) in one way: members
/// that are stored but never answered (<c>[JsonIgnore]</c> on the type, so no response or schema can show them) are
/// added back here by a contract modifier. Today that is <see cref="Ticket.History"/>, stored as <c>change_history</c>.
/// The opposite also happens: an SLA clock's <c>state</c>, which every answer shows, is left out of stored documents.
/// A store that serializes tickets (the Cosmos DB store's CosmosSerializer) must use <see cref="Options"/> or
/// <see cref="AddStoredOnlyMembers"/>.
/// </summary>
public static class StoreJson
{
    public const string HistoryProperty = "change_history";
    public const string SlaStateProperty = "state";
    /// <summary>Stored only: <see cref="Tickets.SlaClocks.BreachAt"/> of the ticket's clocks, for a query of breached tickets.</summary>
    public const string SlaBreachAtProperty = Tickets.Listing.TicketField.SlaBreachAtProperty;
    /// <summary>Stored only: <see cref="Ticket.MovedFrom"/>, <see cref="Ticket.PendingSuccessor"/>, <see cref="Ticket.MovedByKey"/>.</summary>
    public const string MovedFromProperty = "moved_from";
    public const string PendingSuccessorProperty = "pending_successor";
    public const string MovedByKeyProperty = "moved_by_key";
    /// <summary>Stored only: <see cref="Tickets.TicketConversation.LastActivityAt"/>, for listings by last activity.</summary>
    public const string LastActivityAtProperty = Tickets.Listing.TicketField.LastActivityAtProperty;

    /// <summary>Plain System.Text.Json defaults (attribute names are the names) plus the stored-only members.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>
    /// Metadata comes only from source-generated contexts: <see cref="TicketJsonContext"/> (tickets, history),
    /// <see cref="Catalog.CatalogJsonContext"/> (catalogs)
    /// and <see cref="StoreJsonContext"/> (the stores' own documents). There is no reflection fallback, so a document
    /// type missing from both fails in the storage tests rather than being served by reflection in production.
    /// </summary>
    public static JsonSerializerOptions Create(JsonSerializerOptions? from = null)
    {
        var options = from is null ? new JsonSerializerOptions(JsonSerializerDefaults.General) : new JsonSerializerOptions(from);
        var resolver = options.TypeInfoResolver ?? JsonTypeInfoResolver.Combine(TicketJsonContext.Default, Catalog.CatalogJsonContext.Default, StoreJsonContext.Default);
        options.TypeInfoResolver = resolver.WithAddedModifier(AddStoredOnlyMembers);
        return options;
    }

    // History is init-only: the deserializer sets it through its accessor, without reflection per document.
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_History")]
    private static extern void SetHistory(Ticket ticket, IReadOnlyList<TicketHistoryEntry> value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_MovedFrom")]
    private static extern void SetMovedFrom(Ticket ticket, IReadOnlyList<string> value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_PendingSuccessor")]
    private static extern void SetPendingSuccessor(Ticket ticket, Ticket? value);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_MovedByKey")]
    private static extern void SetMovedByKey(Ticket ticket, string? value);

    /// <summary>The contract modifier: adds <c>change_history</c> to <see cref="Ticket"/>.</summary>
    public static void AddStoredOnlyMembers(JsonTypeInfo info)
    {
        if (info.Type == typeof(TicketSla) && info.Kind == JsonTypeInfoKind.Object)
        {
            // An SLA's state depends on the time it is read; stored, it would go stale (and mislead a query).
            foreach (var property in info.Properties)
                if (property.Name == SlaStateProperty) property.ShouldSerialize = static (_, _) => false;
            return;
        }
        if (info.Type != typeof(Ticket) || info.Kind != JsonTypeInfoKind.Object) return;
        if (info.Properties.Any(p => p.Name == HistoryProperty)) return;
        var history = info.CreateJsonPropertyInfo(typeof(IReadOnlyList<TicketHistoryEntry>), HistoryProperty);
        history.Get = ticket => ((Ticket)ticket).History;
        history.Set = (ticket, value) => SetHistory((Ticket)ticket, (IReadOnlyList<TicketHistoryEntry>?)value ?? Array.Empty<TicketHistoryEntry>());
        info.Properties.Add(history);

        // Derived from the clocks on every write and never read back (it has no setter): a plain field to query on.
        var breachAt = info.CreateJsonPropertyInfo(typeof(string), SlaBreachAtProperty);
        breachAt.Get = ticket => SlaClocks.BreachAt(((Ticket)ticket).Slas);
        info.Properties.Add(breachAt);

        // A move's stored-only members, written only when they say something (most tickets were never moved).
        var movedFrom = info.CreateJsonPropertyInfo(typeof(IReadOnlyList<string>), MovedFromProperty);
        movedFrom.Get = ticket => ((Ticket)ticket).MovedFrom;
        movedFrom.Set = (ticket, value) => SetMovedFrom((Ticket)ticket, (IReadOnlyList<string>?)value ?? Array.Empty<string>());
        movedFrom.ShouldSerialize = static (_, value) => value is IReadOnlyList<string> { Count: > 0 };
        info.Properties.Add(movedFrom);
        var pending = info.CreateJsonPropertyInfo(typeof(Ticket), PendingSuccessorProperty);
        pending.Get = ticket => ((Ticket)ticket).PendingSuccessor;
        pending.Set = (ticket, value) => SetPendingSuccessor((Ticket)ticket, (Ticket?)value);
        pending.ShouldSerialize = static (_, value) => value is not null;
        info.Properties.Add(pending);
        var key = info.CreateJsonPropertyInfo(typeof(string), MovedByKeyProperty);
        key.Get = ticket => ((Ticket)ticket).MovedByKey;
        key.Set = (ticket, value) => SetMovedByKey((Ticket)ticket, (string?)value);
        key.ShouldSerialize = static (_, value) => value is not null;
        info.Properties.Add(key);
        var lastActivity = info.CreateJsonPropertyInfo(typeof(string), LastActivityAtProperty);
        lastActivity.Get = ticket => TicketConversation.LastActivityAt((Ticket)ticket);
        info.Properties.Add(lastActivity);
        // Write only (a store reads it from the document): every write marks its events pending, carrying on a backlog
        // the store put in the revision (CosmosTicketStore.ReplaceTicketAsync).
        var events = info.CreateJsonPropertyInfo(typeof(System.Text.Json.JsonElement), TicketEventState.PropertyName);
        events.Get = ticket => ((Ticket)ticket).Revision?.EventsMember ?? TicketEventState.CreatedMember;
        info.Properties.Add(events);
    }
}
