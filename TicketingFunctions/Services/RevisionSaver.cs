using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TicketingFunctions.Api;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Services;

/// <summary>
/// Writes a ticket's next revision (<see cref="TicketRevision"/>) over the revision it was built from, the same way for
/// every kind of change. One document write carries the change and its history entry. Past the cap, the oldest
/// entries are archived first (about once every cap/2 writes), so no entry is ever in neither place. The write is
/// conditional on the etag read: a concurrent write in between answers 412 and nothing of this one is kept (an
/// archived range is keyed by its versions, so the winner's own archive write of it is the same document).
/// </summary>
public sealed partial class RevisionSaver(ITicketStore store, IOptions<TicketHistoryOptions> historyOptions, ILogger<RevisionSaver> logger)
{
    /// <summary>The saved revision (its history trimmed), or 412 when another write won since <paramref name="current"/> was read.</summary>
    public async Task<Outcome<Ticket>> SaveAsync(Ticket current, Ticket revision, CancellationToken cancellationToken)
    {
        var split = HistoryCompaction.Compact(revision.History, historyOptions.Value);
        if (split.Archive.Count > 0)
            await store.AppendHistoryArchiveAsync(current.TenantId, current.Id, split.Archive, cancellationToken);
        var saved = revision with { History = split.Keep };
        try
        {
            await store.ReplaceTicketAsync(saved, current.Etag, cancellationToken);
        }
        catch (EtagMismatchException)
        {
            LogLostRace(logger, current.ObjectId);
            return ApiError.EtagMismatch;
        }
        if (split.Archive.Count > 0) LogArchived(logger, split.Archive.Count, current.ObjectId);
        return saved;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Write of ticket {ObjectId} lost the race for etag; 412")]
    private static partial void LogLostRace(ILogger logger, string objectId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Archived {Archived} history entries of ticket {ObjectId}")]
    private static partial void LogArchived(ILogger logger, int archived, string objectId);
}
