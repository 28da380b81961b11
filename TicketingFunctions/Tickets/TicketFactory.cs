using System.Globalization;
using System.Text.Json.Nodes;
using TicketingFunctions.Auth;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Tickets;

/// <summary>What the request said besides its body.</summary>
public sealed record CreateTicketContext(string TeamId, string ItemTypeId, string CatalogType, string Module, bool IsSupportRequest);

/// <summary>Builds a new ticket from a validated body, the caller and its display number.</summary>
public static class TicketFactory
{
    public static Ticket Create(ValidatedTicket input, CreateTicketContext context, TicketType type, Caller caller, DisplayNumber number, DateTimeOffset now)
    {
        var data = new JsonObject();
        foreach (var (key, value) in input.Values) data[key] = value;
        data[TicketValidator.OfferIdKey] = input.OfferId;
        data["ccWatchers"] = new JsonArray();
        data["toWatchers"] = new JsonArray();
        data["submittedBy"] = caller.SubmittedBy;
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

    /// <summary>ISO-8601 UTC with milliseconds: 2025-07-10T12:34:56.737Z.</summary>
    public static string Timestamp(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
