using TicketingFunctions.Client.Models;

namespace TicketingFunctions.Client.V2.Ticketing.Ticket.Item.Move;

/// <summary>
/// Moves a ticket in one call, with the etag and an optional Idempotency-Key as arguments (Kiota generates no typed
/// headers) and the moved ticket as the answer: the same ticket in its new team, or, after a move to another ticket
/// type, its successor (a new display id; the old one answers 308 from then on, which this client follows).
/// </summary>
public partial class MoveRequestBuilder
{
    /// <param name="teamId">The team the ticket goes to (its current one to change only its type).</param>
    /// <param name="itemTypeId">The ticket type it goes to; null keeps its type.</param>
    /// <param name="etag">The ticket's current etag (<c>Ticket.Etag</c>) (a stale one throws <see cref="EtagMismatchError"/>, 412).</param>
    /// <param name="idempotencyKey">Makes the move safe to retry: a retry answers the first move's ticket, and finishes a move cut short.</param>
    /// <returns>The moved ticket; after a move to another type, the successor.</returns>
    public async Task<Models.Ticket> ToAsync(string teamId, string? itemTypeId, Guid etag, string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(teamId);
        var moved = await PostAsync(new MoveTicketRequest { TeamId = teamId, ItemTypeId = itemTypeId, Etag = etag.ToString() }, c =>
        {
            if (idempotencyKey is not null) c.Headers.Add("Idempotency-Key", idempotencyKey);
        }, cancellationToken).ConfigureAwait(false);
        return moved?.Ticket ?? throw new InvalidOperationException("The move answered without a ticket.");
    }
}
