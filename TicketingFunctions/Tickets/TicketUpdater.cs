using System.Text.Json.Nodes;
using TicketingFunctions.Auth;

namespace TicketingFunctions.Tickets;

/// <summary>Applies a validated update to a ticket: the next revision (<see cref="TicketRevision"/>) and its history entry.</summary>
public static class TicketUpdater
{
    public sealed record Revision(Ticket Ticket, TicketHistoryEntry Entry);

    /// <summary>
    /// The ticket after <paramref name="update"/>, or null when it changes nothing (nothing to write). A cleared field
    /// is removed from <c>data</c>; absent and null count as the same value.
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

        var changed = worked with
        {
            Summary = summary,
            Attachments = links?.Attachments ?? current.Attachments,
            TicketRelation = links is null ? current.TicketRelation : links.Relation,
        };
        var (ticket, entry) = TicketRevision.Next(current, changed, data, TicketHistory.Updated, changes, caller, now);
        return new Revision(ticket, entry);
    }
}
