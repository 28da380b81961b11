using System.Text.Json.Nodes;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Tickets;

/// <summary>Applies a validated update to a ticket: the next revision and its history entry.</summary>
public static class TicketUpdater
{
    public sealed record Revision(Ticket Ticket, TicketHistoryEntry Entry);

    /// <summary>
    /// The ticket after <paramref name="update"/>, or null when it changes nothing (nothing to write). A revision has a
    /// new etag, version + 1, <c>updated_at</c> = now, <c>data.lastUpdatedBy</c> = the caller, and one more history
    /// entry listing each changed key's old and new value. A cleared field is removed from <c>data</c>; absent and
    /// null count as the same value.
    /// </summary>
    public static Revision? Apply(Ticket current, TicketUpdate update, Caller caller, DateTimeOffset now, ResolvedLinks? links = null)
    {
        var changes = new Dictionary<string, ValueChange>(StringComparer.Ordinal);
        var summary = current.Summary;
        if (update.Summary is { } newSummary && !string.Equals(newSummary, current.Summary, StringComparison.Ordinal))
        {
            changes[TicketHistory.SummaryKey] = new(TicketHistory.Element(current.Summary), TicketHistory.Element(newSummary));
            summary = newSummary;
        }

        var data = (JsonObject)current.Data.DeepClone();
        foreach (var (key, value) in update.Fields)
        {
            var old = data.TryGetPropertyValue(key, out var existing) ? existing : null;
            if (JsonNode.DeepEquals(old, value)) continue;
            changes[key] = new(TicketHistory.Element(old), TicketHistory.Element(value));
            if (value is null) data.Remove(key);
            else data[key] = value.DeepClone();
        }
        if (links is not null) TicketLinkChanges.Add(current, links, changes);
        var worked = update.Work is { } work ? WorkUpdateApplier.Apply(current, work, now, changes) : current;
        if (changes.Count == 0) return null;

        data["lastUpdatedBy"] = TicketFactory.LastUpdatedBy(caller);
        var timestamp = TicketFactory.Timestamp(now);
        var version = current.Version + 1;
        var entry = new TicketHistoryEntry
        {
            Version = version,
            Action = TicketHistory.Updated,
            Username = caller.Username,
            Timestamp = timestamp,
            Changes = changes,
        };
        var ticket = worked with
        {
            Etag = Guid.NewGuid().ToString(),
            Summary = summary,
            Data = data,
            Attachments = links?.Attachments ?? current.Attachments,
            TicketRelation = links is null ? current.TicketRelation : links.Relation,
            Version = version,
            UpdatedAt = timestamp,
            History = [.. current.History, entry],
        };
        return new Revision(ticket, entry);
    }
}
