using TicketingFunctions.Catalog;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Storage;

/// <summary>
/// Everything the product persists, shaped for Cosmos DB: every call is scoped to one tenant's partition,
/// tickets are written with compare-and-swap on their etag, and display numbers come from one counter
/// document per tenant that is incremented atomically.
/// </summary>
public interface ITicketStore
{
    /// <summary>Completes when the store answers (the readiness check); throws when it can't be reached.</summary>
    Task CheckReadyAsync(CancellationToken cancellationToken);

    /// <summary>The tenant's catalog, or null when the tenant is unknown.</summary>
    Task<TenantCatalog?> GetCatalogAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the tenant's catalog. Idempotent.</summary>
    Task UpsertCatalogAsync(TenantCatalog catalog, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically increments the tenant-wide serial and the prefix's number in the tenant's counter,
    /// returning both new values. Concurrent callers never get the same values.
    /// </summary>
    Task<DisplayNumber> NextDisplayNumberAsync(string tenantId, string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically increments the tenant's deletion sequence in its counter (the same document and the same kind of patch
    /// as <see cref="NextDisplayNumberAsync"/>) and returns the new value, from 1. Concurrent callers never get the same value.
    /// </summary>
    Task<long> NextDeletionSeqAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Stores a new ticket. Throws <see cref="TicketConflictException"/> when its id or object_id exists.</summary>
    Task CreateTicketAsync(Ticket ticket, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new ticket as <see cref="CreateTicketAsync(Ticket, CancellationToken)"/> does, and the completed record
    /// of the Idempotency-Key that asked for it (which replaces the key's claim). The embedded store writes both in one
    /// commit, so a crash leaves both or neither and a retry of the key replays or creates, never both. Cosmos DB keeps
    /// them in two containers: it writes the ticket, then the record, and a failure of the record alone is logged (the
    /// ticket stands; the claim stays pending until <c>IdempotencyKeys.PendingTimeout</c>).
    /// </summary>
    Task CreateTicketWithKeyAsync(Ticket ticket, IdempotencyRecord completedKey, CancellationToken cancellationToken);

    /// <summary>The ticket with this display id in this tenant, or null. A tombstone's pending successor (see <see cref="MoveTicketAsync"/>) is created first.</summary>
    Task<Ticket?> GetTicketAsync(string tenantId, string objectId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the ticket only if its stored etag still equals <paramref name="expectedEtag"/>;
    /// otherwise throws <see cref="EtagMismatchException"/> and changes nothing.
    /// </summary>
    Task ReplaceTicketAsync(Ticket ticket, string expectedEtag, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a ticket to another ticket type as one logical operation: replaces the ticket's stored revision, only if its
    /// etag still equals <paramref name="expectedEtag"/> (else <see cref="EtagMismatchException"/> and nothing changes), by
    /// <paramref name="tombstone"/> (its <see cref="Ticket.MovedTo"/> names the successor), creates <paramref name="successor"/>
    /// and, with <paramref name="completedKey"/>, stores the Idempotency-Key's completed record. Never are both live: the
    /// embedded store writes all of it in one commit; Cosmos DB (no transactional batch in its emulator) first writes the
    /// tombstone carrying the successor still to create (<see cref="Ticket.PendingSuccessor"/>), then the successor, then
    /// clears the mark; a crash in between leaves a tombstone whose successor <see cref="GetTicketAsync"/> creates
    /// (idempotently) when anyone next reads it, so a reader never finds a tombstone without its successor.
    /// </summary>
    Task MoveTicketAsync(Ticket tombstone, string expectedEtag, Ticket successor, IdempotencyRecord? completedKey, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the tenant's tickets that meet every filter of <paramref name="query"/>, in its order (ties broken
    /// by id), starting after <see cref="TicketListQuery.Position"/>, without their history. Runs in the tenant's
    /// partition only, and costs the same wherever the page is in the listing (no offset is skipped). A page may hold
    /// fewer tickets than the page size, even none, and still have a <see cref="TicketPage.NextPosition"/>; null means
    /// the listing is done. A ticket that existed before the first page and still meets the filters with the same sort
    /// value appears exactly once however many tickets are created meanwhile.
    /// </summary>
    Task<TicketPage> ListTicketsAsync(TicketListQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps history entries that a ticket's document no longer carries, in the tenant's partition, keyed by the
    /// ticket's id (<see cref="Ticket.Id"/>). Idempotent: appending entries that are already archived (a retry, or two
    /// writers racing from one revision) never makes <see cref="GetHistoryArchiveAsync"/> answer a version twice, and
    /// never loses an archived version. Callers append before they write the ticket without those entries, so an entry
    /// is never in neither place.
    /// </summary>
    Task AppendHistoryArchiveAsync(string tenantId, string ticketId, IReadOnlyList<TicketHistoryEntry> entries, CancellationToken cancellationToken);

    /// <summary>
    /// The archived history entries of the ticket in this tenant with <paramref name="afterVersion"/> &lt; version ≤
    /// <paramref name="throughVersion"/>, oldest first, one per version; empty when none. Reads only the archive
    /// documents that overlap that range.
    /// </summary>
    Task<IReadOnlyList<TicketHistoryEntry>> GetHistoryArchiveAsync(string tenantId, string ticketId, int afterVersion, int throughVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Claims an idempotency key: stores <paramref name="claim"/> (pending) and returns null, unless a record
    /// with its id exists that <paramref name="canTakeOver"/> refuses; then returns that record and stores nothing.
    /// Exactly one of concurrent claims of one key gets null.
    /// </summary>
    Task<IdempotencyRecord?> ClaimIdempotencyKeyAsync(IdempotencyRecord claim, Func<IdempotencyRecord, bool> canTakeOver, CancellationToken cancellationToken);

    /// <summary>Replaces the claimed record, e.g. with the completed one.</summary>
    Task SaveIdempotencyRecordAsync(IdempotencyRecord record, CancellationToken cancellationToken);

    /// <summary>Removes a claim whose create failed, so that the key can be used again. Missing is fine.</summary>
    Task ReleaseIdempotencyKeyAsync(string tenantId, string id, CancellationToken cancellationToken);
}
