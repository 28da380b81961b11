using System.Text.Json.Nodes;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;

namespace TicketingFunctions.Tickets;

/// <summary>What the request said besides its body.</summary>
public sealed record CreateTicketContext(string TeamId, string ItemTypeId, string CatalogType, string Module, bool IsSupportRequest);

/// <summary>Builds a new ticket from a validated body, the caller and its display number.</summary>
public static class TicketFactory
{
    /// <summary>The requester's <see cref="CallerIdentity.Key"/> in <c>data</c>; absent when the token had no subject.</summary>
    public const string SubmittedByIdKey = "submittedById";

    /// <summary>True when <paramref name="caller"/> is the ticket's requester: the same issuer and subject, nothing else.</summary>
    public static bool IsRequester(Ticket ticket, Caller caller) =>
        caller.Identity.Owns((ticket.Data[SubmittedByIdKey] as JsonValue)?.TryGetValue<string>(out var key) == true ? key : null);

    public static Ticket Create(ValidatedTicket input, CreateTicketContext context, TicketType type, Caller caller, DisplayNumber number, DateTimeOffset now)
    {
        // Sized for the values at once (their keys are distinct: the validator refuses a repeated one), where adding them
        // one by one grew the object's table three times.
        var data = new JsonObject(input.Values);
        data[TicketValidator.OfferIdKey] = input.OfferId;
        // Watchers sent in ticketBody are among the values already; a ticket without them has empty lists.
        if (!data.ContainsKey(WatcherList.Cc)) data[WatcherList.Cc] = new JsonArray();
        if (!data.ContainsKey(WatcherList.To)) data[WatcherList.To] = new JsonArray();
        data["submittedBy"] = caller.SubmittedBy;
        // Who the requester is for every "your own ticket" rule (submittedBy=me, cancelling): never the name above.
        if (caller.Identity.IsKnown) data[SubmittedByIdKey] = caller.Identity.Key;
        data["lastUpdatedBy"] = LastUpdatedBy(caller);

        var timestamp = Timestamp(now);
        var status = type.InitialStatus ?? TicketStatus.Default;
        var ticket = new Ticket
        {
            Id = Guid.NewGuid().ToString(),
            TenantId = caller.TenantId!,
            ObjectId = DisplayId.Format(type.Prefix, number.Number),
            Etag = Guid.NewGuid().ToString(),
            Summary = input.Summary,
            Data = data,
            LookupProps = new LookupProps(context.TeamId, context.ItemTypeId),
            Version = 1,
            StatusType = status.Type,
            StatusCategory = status.Category,
            CreatedAt = timestamp,
            UpdatedAt = timestamp,
            Slas = SlaClocks.Start(type.SlaPolicies, status.Category, now),
            IdSerial = number.Serial,
            Source = input.Source,
            CatalogType = context.CatalogType,
            Module = context.Module,
            IsSupportRequest = context.IsSupportRequest,
            Attachments = input.Attachments,
            TicketRelation = input.TicketRelation,
        };
        // The creation is the first history entry, written by the same create request.
        return ticket with { History = [TicketHistory.Creation(ticket, caller)] };
    }

    public static JsonObject LastUpdatedBy(Caller caller) => new()
    {
        ["lastName"] = caller.LastName,
        ["username"] = caller.Username,
        ["firstName"] = caller.FirstName,
    };

    /// <summary>
    /// ISO-8601 UTC with milliseconds: 2025-07-10T12:34:56.737Z, what the format "yyyy-MM-dd'T'HH:mm:ss.fff'Z'"
    /// gives (milliseconds truncated), written digit by digit: the custom-format parser cost more than the rest of
    /// building a ticket.
    /// </summary>
    public static string Timestamp(DateTimeOffset now) => string.Create(24, now.UtcDateTime, static (text, t) =>
    {
        Digits(text[..4], t.Year);
        text[4] = '-';
        Digits(text.Slice(5, 2), t.Month);
        text[7] = '-';
        Digits(text.Slice(8, 2), t.Day);
        text[10] = 'T';
        Digits(text.Slice(11, 2), t.Hour);
        text[13] = ':';
        Digits(text.Slice(14, 2), t.Minute);
        text[16] = ':';
        Digits(text.Slice(17, 2), t.Second);
        text[19] = '.';
        Digits(text.Slice(20, 3), t.Millisecond);
        text[23] = 'Z';
    });

    private static void Digits(Span<char> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--, value /= 10)
            destination[i] = (char)('0' + value % 10);
    }
}
