using System.Text.Json.Nodes;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Tickets;

/// <summary>
/// The next revision of a ticket, whatever changed it (an update, a delete; later a move or a comment): a new etag,
/// version + 1, <c>updated_at</c> = now, <c>data.lastUpdatedBy</c> = the caller, and one more history entry naming the
/// action and each changed key's old and new value.
/// </summary>
public static class TicketRevision
{
    /// <summary>
    /// <paramref name="changed"/> (the current ticket with the change applied, <c>current with { … }</c>) as the next
    /// revision of <paramref name="current"/>. <paramref name="data"/> is the changed <c>data</c>, a copy the caller
    /// owns; null when the change left it as it was (it is copied then).
    /// </summary>
    public static (Ticket Ticket, TicketHistoryEntry Entry) Next(Ticket current, Ticket changed, JsonObject? data, string action,
        Dictionary<string, ValueChange> changes, Caller caller, DateTimeOffset now)
    {
        data ??= (JsonObject)current.Data.DeepClone();
        data["lastUpdatedBy"] = TicketFactory.LastUpdatedBy(caller);
        var timestamp = TicketFactory.Timestamp(now);
        var version = current.Version + 1;
        var entry = new TicketHistoryEntry
        {
            Version = version,
            Action = action,
            Username = caller.Username,
            Timestamp = timestamp,
            Changes = changes,
        };
        var ticket = changed with
        {
            Etag = Guid.NewGuid().ToString(),
            Data = data,
            Version = version,
            UpdatedAt = timestamp,
            History = [.. current.History, entry],
        };
        return (ticket, entry);
    }
}
