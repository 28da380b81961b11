using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Storage;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Http;

/// <summary>Calls of GET /api/v2/ticketing/ticket/list over a <see cref="TestApi"/>, and tickets put straight into its store.</summary>
public static class TicketListApi
{
    public const string ListPath = "/api/v2/ticketing/ticket/list";

    public static Task<HttpResponseMessage> ListAsync(this TestApi api, string query = "", string? token = null, string tenantHeader = TestApi.Tenant,
        string? realmHeader = TestApi.Realm) =>
        api.Client.SendAsync(api.Request(HttpMethod.Get, query.Length == 0 ? ListPath : $"{ListPath}?{query}", token ?? api.Token(), tenantHeader: tenantHeader, realmHeader: realmHeader));

    /// <summary>One page, asserted 200: its tickets and its continuation token.</summary>
    public static async Task<(IReadOnlyList<JsonElement> Tickets, string? Next)> PageAsync(this TestApi api, string query = "", string? token = null,
        string tenantHeader = TestApi.Tenant)
    {
        var response = await api.ListAsync(query, token, tenantHeader);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        var json = JsonDocument.Parse(text).RootElement.Clone();
        var next = json.GetProperty("continuationToken");
        return ([.. json.GetProperty("tickets").EnumerateArray()], next.ValueKind == JsonValueKind.Null ? null : next.GetString());
    }

    /// <summary>Every page of a listing, following its continuation tokens; the tickets in order.</summary>
    public static async Task<List<JsonElement>> WalkAsync(this TestApi api, string query = "", string? token = null, string tenantHeader = TestApi.Tenant,
        Func<int, Task>? betweenPages = null)
    {
        var all = new List<JsonElement>();
        string? next = null;
        for (var page = 0; ; page++)
        {
            var withToken = next is null ? query : Join(query, $"continuationToken={next}");
            var (tickets, following) = await api.PageAsync(withToken, token, tenantHeader);
            all.AddRange(tickets);
            if (following is null) return all;
            Assert.True(page < 10_000, "the listing never ends");
            next = following;
            if (betweenPages is not null) await betweenPages(page);
        }
    }

    public static string Join(string query, string more) => query.Length == 0 ? more : $"{query}&{more}";

    public static IEnumerable<string> ObjectIds(this IEnumerable<JsonElement> tickets) => tickets.Select(t => t.GetProperty("object_id").GetString()!);

    /// <summary>
    /// A ticket stored directly (not through create), so that a test can make any team, type, status, submitter and
    /// time, including teams and types the catalog doesn't have. Its shape is a created ticket's.
    /// </summary>
    public static async Task<Ticket> PutTicketAsync(this TestApi api, string tenant, string prefix, string teamId, string itemTypeId,
        string summary = "Stored for a listing test", string statusType = "Open", string statusCategory = "To-do Category",
        string submittedBy = "user@example.com", string createdAt = "2025-07-10T12:34:56.737Z", string? updatedAt = null)
    {
        var store = api.Services.GetRequiredService<ITicketStore>();
        var number = await store.NextDisplayNumberAsync(tenant, prefix, default);
        var ticket = NewTicket(tenant, $"{prefix}-{number.Number:D4}", teamId, itemTypeId, summary, statusType, statusCategory, submittedBy,
            createdAt, updatedAt ?? createdAt, number.Serial);
        // As create records it: the submitter's identity, here a dev token's (its subject is its username).
        ticket.Data[TicketingFunctions.Tickets.TicketFactory.SubmittedByIdKey] =
            new TicketingFunctions.Auth.CallerIdentity(TicketingFunctions.Auth.RealmAuthentication.IssuerFor(api.Auth, TestApi.Realm), submittedBy).Key;
        await store.CreateTicketAsync(ticket, default);
        return ticket;
    }

    public static Ticket NewTicket(string tenant, string objectId, string teamId, string itemTypeId, string summary = "Stored for a listing test",
        string statusType = "Open", string statusCategory = "To-do Category", string submittedBy = "user@example.com",
        string createdAt = "2025-07-10T12:34:56.737Z", string? updatedAt = null, long serial = 1) => new()
    {
        Id = Guid.NewGuid().ToString(),
        TenantId = tenant,
        ObjectId = objectId,
        Etag = Guid.NewGuid().ToString(),
        Summary = summary,
        Data = new JsonObject
        {
            ["offerId"] = "23629",
            ["ccWatchers"] = new JsonArray(),
            ["toWatchers"] = new JsonArray(),
            ["submittedBy"] = submittedBy,
            ["lastUpdatedBy"] = new JsonObject { ["firstName"] = "Jane", ["lastName"] = "Doe", ["username"] = submittedBy },
        },
        LookupProps = new LookupProps(teamId, itemTypeId),
        StatusType = statusType,
        StatusCategory = statusCategory,
        CreatedAt = createdAt,
        UpdatedAt = updatedAt ?? createdAt,
        IdSerial = serial,
        Source = "api",
        CatalogType = "template",
        Module = "ticketing",
    };
}
