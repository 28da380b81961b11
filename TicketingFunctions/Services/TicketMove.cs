using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;

using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Events;

namespace TicketingFunctions.Services;

/// <summary>
/// What a move writes, built from the current ticket: within its type, the ticket's next revision in another team;
/// to another type, a tombstone (<c>moved_to</c> = the successor's display id) and the successor, a ticket of the new
/// type with a new id and display id that carries everything of the old one (values, watchers, attachments, relation,
/// status where the new workflow has it, history) and names its predecessors in <see cref="Ticket.MovedFrom"/>.
/// </summary>
public static class TicketMove
{
    public const string TeamIdKey = TicketEvents.MoveTeamIdKey;
    public const string ItemTypeIdKey = TicketEvents.MoveItemTypeIdKey;
    public const string ObjectIdKey = TicketEvents.MoveObjectIdKey;
    public const string MovedToKey = "moved_to";

    /// <summary>The ticket in <paramref name="teamId"/>, same type, same id and display id: one more revision.</summary>
    public static Ticket ToTeam(Ticket current, string teamId, string? key, Caller caller, DateTimeOffset now)
    {
        var changes = new Dictionary<string, ValueChange>(StringComparer.Ordinal)
        {
            [TeamIdKey] = new(TicketHistory.Element(current.LookupProps.TeamId), TicketHistory.Element(teamId)),
        };
        var moved = current with { LookupProps = current.LookupProps with { TeamId = teamId }, MovedByKey = key };
        return TicketRevision.Next(current, moved, null, TicketHistory.Moved, changes, caller, now).Ticket;
    }

    /// <summary>
    /// The values of <paramref name="current"/> as a create body of <paramref name="type"/> would carry them, checked by
    /// the create rules (<see cref="TicketBodyValidator"/>): each value the new type has no field for is refused by its
    /// key, with the field's name. Null when anything is refused (the reasons are in <paramref name="errors"/>).
    /// </summary>
    public static List<KeyValuePair<string, JsonNode?>>? ValuesFor(Ticket current, TicketType currentType, CatalogIndex catalog, TicketType type,
        ValidationErrors errors, out string? offerId)
    {
        offerId = null;
        var body = new JsonObject();
        foreach (var (key, value) in current.Data)
        {
            if (!IsFieldValue(key) || value is null) continue;
            if (!WatcherList.IsKey(key) && catalog.FindField(type, key) is null)
            {
                var name = catalog.FindField(currentType, key)?.Name ?? key;
                errors.Add(key, $"Field {name} has a value and is not defined for ticket type {type.Name}; clear it before moving the ticket");
                continue;
            }
            body[key] = value.DeepClone();
        }
        var offer = catalog.Catalog.Offers?.FirstOrDefault(o => o.ItemType == type.Id);
        if (offer is null)
        {
            errors.Add(ItemTypeIdKey, $"Ticket type {type.Name} has no offer to create its tickets from");
            return null;
        }
        body[TicketBodyValidator.OfferIdKey] = offer.Id;
        if (errors.Count > 0) return null;
        using var document = JsonDocument.Parse(body.ToJsonString());
        var values = TicketBodyValidator.Validate(document.RootElement, TicketBodyMode.Create, catalog, type, null, errors, int.MaxValue, out offerId);
        return errors.Count > 0 ? null : values;
    }

    /// <summary>
    /// The successor and the tombstone of a move of <paramref name="current"/> to <paramref name="type"/> in
    /// <paramref name="teamId"/>, with display number <paramref name="number"/>. Both are one version past the current
    /// ticket with the same history entry. The SLA clocks are the new type's, started at the ticket's creation and
    /// advanced to its current status category now (those it already reaches stop at the move); those that stop on the
    /// first public reply stop at <paramref name="firstReplyAt"/>, the first public agent reply's time, when there was one.
    /// </summary>
    public static (Ticket Successor, Ticket Tombstone) ToType(Ticket current, string teamId, TicketType type, IReadOnlyList<KeyValuePair<string, JsonNode?>> values,
        string offerId, DisplayNumber number, string? key, Caller caller, DateTimeOffset now, string? firstReplyAt = null)
    {
        var objectId = DisplayId.Format(type.Prefix, number.Number);
        var changes = new Dictionary<string, ValueChange>(StringComparer.Ordinal)
        {
            [ObjectIdKey] = new(TicketHistory.Element(current.ObjectId), TicketHistory.Element(objectId)),
            [ItemTypeIdKey] = new(TicketHistory.Element(current.LookupProps.ItemTypeId), TicketHistory.Element(type.Id)),
            [MovedToKey] = new(null, TicketHistory.Element(objectId)),
        };
        if (teamId != current.LookupProps.TeamId)
            changes[TeamIdKey] = new(TicketHistory.Element(current.LookupProps.TeamId), TicketHistory.Element(teamId));

        var data = new JsonObject();
        foreach (var (name, value) in current.Data)
            if (!IsFieldValue(name) && name != TicketBodyValidator.OfferIdKey) data[name] = value?.DeepClone();
        foreach (var (name, value) in values) data[name] = value?.DeepClone();
        data[TicketBodyValidator.OfferIdKey] = offerId;

        var workflow = type.Workflow ?? Workflow.Default;
        var status = workflow.FindStatus(current.StatusType) ?? type.InitialStatus ?? TicketStatus.Default;
        var created = DateTimeOffset.Parse(current.CreatedAt, System.Globalization.CultureInfo.InvariantCulture);
        var initial = type.InitialStatus ?? TicketStatus.Default;
        var clocks = SlaClocks.Advance(SlaClocks.Start(type.SlaPolicies, initial.Category, created), type.SlaPolicies ?? [], initial.Category,
            status.Category, TicketFactory.Timestamp(now));

        var successor = TicketRevision.Next(current, current with
        {
            Id = Guid.NewGuid().ToString(),
            ObjectId = objectId,
            IdSerial = number.Serial,
            LookupProps = new LookupProps(teamId, type.Id),
            StatusType = status.Type,
            StatusCategory = status.Category,
            Slas = clocks,
            MovedFrom = [.. current.MovedFrom, current.Id],
            MovedTo = null,
            MovedByKey = null,
            Revision = null,
        }, data, TicketHistory.Moved, changes, caller, now).Ticket;
        if (firstReplyAt is not null) successor = TicketConversation.FirstReply(successor, firstReplyAt);
        var tombstone = TicketRevision.Next(current, current with { MovedTo = objectId, MovedByKey = key }, null, TicketHistory.Moved, changes, caller, now).Ticket;
        return (successor, tombstone);
    }

    /// <summary>Whether a key of <c>data</c> holds a value the client gave (a field's, or watchers), not one the system keeps.</summary>
    private static bool IsFieldValue(string key) => !TicketHistory.SystemDataKeys.Contains(key) && key != TicketBodyValidator.OfferIdKey;
}
