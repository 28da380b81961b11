using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Catalog;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.OpenApi;

/// <summary>
/// Every response the document lists is produced by the API: one case per documented (operation, status,
/// media type), each driving its own requests through TestApi's checking client. So an operation (or a
/// status of one) that the document lists but no test exercises fails here, whatever other test classes
/// run and in whatever order: the coverage does not depend on them. The other direction, a response
/// the document does not describe, fails the HTTP test that received it (<see cref="OpenApiConformance"/>).
/// </summary>
public sealed class OpenApiCoverageTests(OpenApiCoverageTests.Apis apis) : IClassFixture<OpenApiCoverageTests.Apis>
{
    /// <summary>
    /// Documented responses that the code cannot produce yet, each with the reason. A case listed here
    /// must not also have a scenario: when the code lands, move it to <see cref="Scenarios"/>.
    /// </summary>
    private static readonly Dictionary<string, string> Pending = new(StringComparer.Ordinal);

    private const string IncidentPath = "/api/v2/ticketing/ticket/create/james/16911?type=template&module=ticketing";
    private const string IncidentBody = """{"source":"api","summary":"Outage","ticketBody":{"offerId":"23630","93aabbc9-fd45-407d-8569-b140bf9cc6a7":7},"attachments":{},"ticketRelation":null}""";

    /// <summary>The requests that produce each documented response; several where a status has several shapes.</summary>
    private static readonly Dictionary<string, Func<Apis, Task<HttpResponseMessage>>[]> Scenarios = new(StringComparer.Ordinal)
    {
        ["createTicket 200 application/json"] =
        [
            a => a.Api.CreateAsync(Bodies.ContractExample),
            async a =>
            {
                // A replay: the stored answer, with Idempotent-Replayed.
                var key = $"replay-{Guid.NewGuid()}";
                await a.CreateWithKey(a.Api, key, Bodies.ContractExample);
                var replay = await a.CreateWithKey(a.Api, key, Bodies.ContractExample);
                Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
                return replay;
            },
        ],
        ["createTicket 409 application/json"] = [a => a.CreateWithKey(a.Faulty, "always-in-progress", Bodies.ContractExample)],
        ["createTicket 422 application/json"] =
        [
            async a =>
            {
                var key = $"reused-{Guid.NewGuid()}";
                await a.CreateWithKey(a.Api, key, Bodies.ContractExample);
                return await a.CreateWithKey(a.Api, key, Bodies.Example(b => b["summary"] = "Another request"));
            },
        ],
        ["createTicket 400 application/json"] =
        [
            a => a.Send(HttpMethod.Post, TestApi.CreatePath, a.Api.Token(), Bodies.ContractExample, tenant: "not-a-uuid"),
            a => a.Send(HttpMethod.Post, "/api/v2/ticketing/ticket/create/james/16910?type=bogus&module=ticketing", a.Api.Token(), Bodies.ContractExample),
            a => a.Api.CreateAsync(Bodies.Example(b => b.TicketBody()["offerId"] = "23630")),
            a => a.Api.CreateAsync("{"),
        ],
        ["createTicket 401 application/json"] =
        [
            a => a.Send(HttpMethod.Post, TestApi.CreatePath, null, Bodies.ContractExample),
            a => a.Api.CreateAsync(Bodies.ContractExample, a.Api.Token(roles: "uma_authorization", scope: "tickets:write")),
        ],
        ["createTicket 403 application/json"] = [a => a.Api.CreateAsync(Bodies.ContractExample, a.Api.Token(teams: "facilities"))],
        ["createTicket 404 application/json"] = [a => a.Send(HttpMethod.Post, TestApi.CreatePath, a.Api.Token(), Bodies.ContractExample, tenant: TestApi.OtherTenant)],
        ["createTicket 404 text/html"] =
        [
            a => a.Api.CreateAsync(Bodies.ContractExample, path: "/api/v2/ticketing/ticket/create/nobody/16910?type=template&module=ticketing"),
            a => a.Api.CreateAsync(Bodies.ContractExample, path: "/api/v2/ticketing/ticket/create/james/99999?type=template&module=ticketing"),
        ],
        ["createTicket 413 application/json"] = [a => a.Api.CreateAsync(Bodies.Example(b => b["summary"] = new string('x', 1024 * 1024)))],
        ["createTicket 500 application/json"] = [a => a.Faulty.CreateAsync(Bodies.ContractExample)],
        ["createTicket 415 application/json"] = [a => a.SendBody(HttpMethod.Post, TestApi.CreatePath, new StringContent(Bodies.ContractExample, System.Text.Encoding.UTF8, "text/plain"))],
        ["createTicket 408 application/json"] = [a => a.SendStalled(HttpMethod.Post, TestApi.CreatePath)],
        ["createTicket 503 application/json"] = [a => a.Faulty.CreateAsync(IncidentBody, path: IncidentPath)],

        ["listTicketTypes 200 application/json"] = [a => a.Send(HttpMethod.Get, "/api/v2/ticketing/ticket-type", a.Api.Token(scope: "tickets:read"))],
        ["listTicketTypes 400 application/json"] = [a => a.Send(HttpMethod.Get, "/api/v2/ticketing/ticket-type", a.Api.Token(), realm: null)],
        ["listTicketTypes 401 application/json"] =
        [
            a => a.Send(HttpMethod.Get, "/api/v2/ticketing/ticket-type", null),
            a => a.Send(HttpMethod.Get, "/api/v2/ticketing/ticket-type", a.Api.Token(scope: "openid")),
        ],
        ["listTicketTypes 404 application/json"] = [a => a.Send(HttpMethod.Get, "/api/v2/ticketing/ticket-type", a.Api.Token(), tenant: TestApi.OtherTenant)],
        ["listTicketTypes 500 application/json"] = [a => a.SendFaulty(HttpMethod.Get, "/api/v2/ticketing/ticket-type")],
        ["listTicketTypes 503 application/json"] = [a => a.SendFaulty(HttpMethod.Get, "/api/v2/ticketing/ticket-type", Apis.ThrottledTenant)],

        ["listOffers 200 application/json"] = [a => a.Send(HttpMethod.Get, "/api/v2/ticketing/tenant/sc/offers", a.Api.Token(scope: "tickets:write"))],
        ["listOffers 400 application/json"] = [a => a.Send(HttpMethod.Get, "/api/v2/ticketing/tenant/sc/offers", a.Api.Token(), tenant: "")],
        ["listOffers 401 application/json"] =
        [
            a => a.Send(HttpMethod.Get, "/api/v2/ticketing/tenant/sc/offers", "not-a-jwt"),
            a => a.Send(HttpMethod.Get, "/api/v2/ticketing/tenant/sc/offers", a.Api.Token(scope: "openid")),
        ],
        ["listOffers 404 application/json"] = [a => a.Send(HttpMethod.Get, "/api/v2/ticketing/tenant/sc/offers", a.Api.Token(tenant: "00000000-0000-4000-8000-000000000000"), tenant: "00000000-0000-4000-8000-000000000000")],
        ["listOffers 500 application/json"] = [a => a.SendFaulty(HttpMethod.Get, "/api/v2/ticketing/tenant/sc/offers")],
        ["listOffers 503 application/json"] = [a => a.SendFaulty(HttpMethod.Get, "/api/v2/ticketing/tenant/sc/offers", Apis.ThrottledTenant)],

        ["getTicket 200 application/json"] = [async a => await a.Send(HttpMethod.Get, Ticket(await a.CreateTicket()), a.Api.Token())],
        ["getTicket 400 application/json"] =
        [
            a => a.Send(HttpMethod.Get, Ticket("CTC-0001"), a.Api.Token(), realm: null),
            a => a.Send(HttpMethod.Get, Ticket("CTC-0001") + "?includeDeleted=maybe", a.Api.Token()),
        ],
        ["getTicket 401 application/json"] =
        [
            a => a.Send(HttpMethod.Get, Ticket("CTC-0001"), null),
            a => a.Send(HttpMethod.Get, Ticket("CTC-0001"), a.Api.Token(scope: "openid")),
        ],
        ["getTicket 403 application/json"] = [async a => await a.Send(HttpMethod.Get, Ticket(await a.CreateTicket()), a.Api.Token(teams: "facilities"))],
        ["getTicket 404 application/json"] =
        [
            a => a.Send(HttpMethod.Get, Ticket("CTC-9999"), a.Api.Token()),
            a => a.Send(HttpMethod.Get, Ticket("CTC-0001"), a.Api.Token(), tenant: TestApi.OtherTenant),
        ],
        ["getTicket 500 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Get, Ticket(Apis.Fails500))],
        ["getTicket 503 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Get, Ticket(Apis.Fails503))],

        ["updateTicket 200 application/json"] = [async a => await a.Send(HttpMethod.Patch, Update(await a.CreateTicket()), a.Api.Token(), $$"""{"etag":"{{a.LastEtag}}","summary":"Laptop + dock"}""")],
        ["updateTicket 400 application/json"] =
        [
            async a => await a.Send(HttpMethod.Patch, Update(await a.CreateTicket()), a.Api.Token(), $$$"""{"etag":"{{{a.LastEtag}}}","ticketBody":{"offerId":"23630"}}"""),
            a => a.Send(HttpMethod.Patch, Update("CTC-0001"), a.Api.Token(), "{}", tenant: "not-a-uuid"),
        ],
        ["updateTicket 401 application/json"] =
        [
            a => a.Send(HttpMethod.Patch, Update("CTC-0001"), null, "{}"),
            a => a.Send(HttpMethod.Patch, Update("CTC-0001"), a.Api.Token(scope: "tickets:read"), "{}"),
        ],
        ["updateTicket 403 application/json"] = [async a => await a.Send(HttpMethod.Patch, Update(await a.CreateTicket()), a.Api.Token(teams: "facilities"), $$"""{"etag":"{{a.LastEtag}}","summary":"x"}""")],
        ["updateTicket 404 application/json"] = [a => a.Send(HttpMethod.Patch, Update("CTC-9999"), a.Api.Token(), """{"summary":"x"}""")],
        ["updateTicket 412 application/json"] = [async a => await a.Send(HttpMethod.Patch, Update(await a.CreateTicket()), a.Api.Token(), $$"""{"etag":"{{Guid.NewGuid()}}","summary":"x"}""")],
        ["updateTicket 413 application/json"] = [async a => await a.Send(HttpMethod.Patch, Update(await a.CreateTicket()), a.Api.Token(), $$"""{"etag":"{{a.LastEtag}}","summary":"{{new string('x', 1024 * 1024)}}"}""")],
        ["updateTicket 428 application/json"] = [async a => await a.Send(HttpMethod.Patch, Update(await a.CreateTicket()), a.Api.Token(), """{"summary":"x"}""")],
        ["updateTicket 415 application/json"] = [async a => await a.SendBody(HttpMethod.Patch, Update(await a.CreateTicket()), new StringContent("{}", System.Text.Encoding.UTF8, "application/xml"))],
        ["updateTicket 408 application/json"] = [async a => await a.SendStalled(HttpMethod.Patch, Update(await a.CreateTicket()))],
        ["updateTicket 500 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Patch, Update(Apis.Fails500), """{"summary":"x"}""")],
        ["updateTicket 503 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Patch, Update(Apis.Fails503), """{"summary":"x"}""")],

        ["addTicketComment 200 application/json"] = [async a => await a.Send(HttpMethod.Post, Comments(await a.CreateTicket()), a.Api.Token(), """{"body":"<p>Thanks</p>"}""")],
        ["addTicketComment 400 application/json"] =
        [
            async a => await a.Send(HttpMethod.Post, Comments(await a.CreateTicket()), a.Api.Token(), "{}"),
            a => a.Send(HttpMethod.Post, Comments("CTC-0001"), a.Api.Token(), "{}", tenant: "not-a-uuid"),
        ],
        ["addTicketComment 401 application/json"] =
        [
            a => a.Send(HttpMethod.Post, Comments("CTC-0001"), null, "{}"),
            async a => await a.Send(HttpMethod.Post, Comments(await a.CreateTicket()), a.Api.Token(), """{"body":"x","visibility":"internal"}"""),
        ],
        ["addTicketComment 403 application/json"] = [async a => await a.Send(HttpMethod.Post, Comments(await a.CreateTicket()), a.Api.Token(teams: "facilities"), """{"body":"x"}""")],
        ["addTicketComment 404 application/json"] = [a => a.Send(HttpMethod.Post, Comments("CTC-9999"), a.Api.Token(), """{"body":"x"}""")],
        ["addTicketComment 408 application/json"] = [async a => await a.SendStalled(HttpMethod.Post, Comments(await a.CreateTicket()))],
        ["addTicketComment 413 application/json"] = [async a => await a.Send(HttpMethod.Post, Comments(await a.CreateTicket()), a.Api.Token(), $$"""{"body":"{{new string('x', 1024 * 1024)}}"}""")],
        ["addTicketComment 415 application/json"] = [async a => await a.SendBody(HttpMethod.Post, Comments(await a.CreateTicket()), new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"))],
        ["addTicketComment 500 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Post, Comments(Apis.Fails500), """{"body":"x"}""")],
        ["addTicketComment 503 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Post, Comments(Apis.Fails503), """{"body":"x"}""")],

        ["listTicketComments 200 application/json"] = [async a => await a.Send(HttpMethod.Get, Comments(await a.CreateTicket()), a.Api.Token())],
        ["listTicketComments 400 application/json"] =
        [
            a => a.Send(HttpMethod.Get, Comments("CTC-0001") + "?limit=0", a.Api.Token()),
            async a => await a.Send(HttpMethod.Get, Comments(await a.CreateTicket()) + "?after=forged", a.Api.Token()),
        ],
        ["listTicketComments 401 application/json"] =
        [
            a => a.Send(HttpMethod.Get, Comments("CTC-0001"), null),
            a => a.Send(HttpMethod.Get, Comments("CTC-0001"), a.Api.Token(scope: "openid")),
        ],
        ["listTicketComments 403 application/json"] = [async a => await a.Send(HttpMethod.Get, Comments(await a.CreateTicket()), a.Api.Token(teams: "facilities"))],
        ["listTicketComments 404 application/json"] = [a => a.Send(HttpMethod.Get, Comments("CTC-9999"), a.Api.Token())],
        ["listTicketComments 500 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Get, Comments(Apis.Fails500))],
        ["listTicketComments 503 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Get, Comments(Apis.Fails503))],

        ["editTicketComment 200 application/json"] = [async a => await a.EditOwnComment("""{"body":"<p>Fixed</p>"}""", quoted: true)],
        ["editTicketComment 400 application/json"] = [async a => await a.EditOwnComment("{}", quoted: true)],
        ["editTicketComment 401 application/json"] = [a => a.Send(HttpMethod.Patch, Comment("CTC-0001", Guid.NewGuid().ToString()), null, "{}")],
        ["editTicketComment 403 application/json"] = [async a => await a.Send(HttpMethod.Patch, Comment(await a.CreateTicket(), Guid.NewGuid().ToString()), a.Api.Token(teams: "facilities"), "{}")],
        ["editTicketComment 404 application/json"] =
        [
            async a => await a.Send(HttpMethod.Patch, Comment(await a.CreateTicket(), Guid.NewGuid().ToString()), a.Api.Token(), """{"body":"x"}"""),
            a => a.Send(HttpMethod.Patch, Comment("CTC-9999", Guid.NewGuid().ToString()), a.Api.Token(), """{"body":"x"}"""),
        ],
        ["editTicketComment 408 application/json"] = [async a => await a.EditOwnComment(null, quoted: true)],
        ["editTicketComment 412 application/json"] = [async a => await a.EditOwnComment("""{"body":"x"}""", quoted: false)],
        ["editTicketComment 413 application/json"] = [async a => await a.EditOwnComment($$"""{"body":"{{new string('x', 1024 * 1024)}}"}""", quoted: true)],
        ["editTicketComment 415 application/json"] = [async a => await a.EditOwnComment("text/plain", quoted: true)],
        ["editTicketComment 428 application/json"] = [async a => await a.EditOwnComment("""{"body":"x"}""", quoted: null)],
        ["editTicketComment 500 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Patch, Comment(Apis.Fails500, Guid.NewGuid().ToString()), """{"body":"x"}""")],
        ["editTicketComment 503 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Patch, Comment(Apis.Fails503, Guid.NewGuid().ToString()), """{"body":"x"}""")],

        ["redactTicketComment 200 application/json"] = [async a =>
        {
            var id = await a.AddComment();
            return await a.Send(HttpMethod.Post, Comment(a.LastObjectId, id) + "/redact", a.Api.Token(roles: "tenant_admin"));
        }],
        ["redactTicketComment 400 application/json"] = [a => a.Send(HttpMethod.Post, Comment("CTC-0001", Guid.NewGuid().ToString()) + "/redact", a.Api.Token(roles: "tenant_admin"), tenant: "")],
        ["redactTicketComment 401 application/json"] =
        [
            a => a.Send(HttpMethod.Post, Comment("CTC-0001", Guid.NewGuid().ToString()) + "/redact", null),
            a => a.Send(HttpMethod.Post, Comment("CTC-0001", Guid.NewGuid().ToString()) + "/redact", a.Api.Token(roles: "ticket_agent")),
        ],
        ["redactTicketComment 404 application/json"] =
        [
            async a => await a.Send(HttpMethod.Post, Comment(await a.CreateTicket(), Guid.NewGuid().ToString()) + "/redact", a.Api.Token(roles: "tenant_admin")),
            a => a.Send(HttpMethod.Post, Comment("CTC-9999", Guid.NewGuid().ToString()) + "/redact", a.Api.Token(roles: "tenant_admin")),
        ],
        ["redactTicketComment 500 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Post, Comment(Apis.Fails500, Guid.NewGuid().ToString()) + "/redact", token: a.Faulty.Token(roles: "tenant_admin"))],
        ["redactTicketComment 503 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Post, Comment(Apis.Fails503, Guid.NewGuid().ToString()) + "/redact", token: a.Faulty.Token(roles: "tenant_admin"))],

        ["getTicketHistory 200 application/json"] = [async a => await a.Send(HttpMethod.Get, History(await a.CreateTicket()), a.Api.Token())],
        ["getTicketHistory 400 application/json"] = [a => a.Send(HttpMethod.Get, History("CTC-0001"), a.Api.Token(), tenant: "")],
        ["getTicketHistory 401 application/json"] =
        [
            a => a.Send(HttpMethod.Get, History("CTC-0001"), "not-a-jwt"),
            a => a.Send(HttpMethod.Get, History("CTC-0001"), a.Api.Token(scope: "openid")),
        ],
        ["getTicketHistory 403 application/json"] = [async a => await a.Send(HttpMethod.Get, History(await a.CreateTicket()), a.Api.Token(teams: "facilities"))],
        ["getTicketHistory 404 application/json"] = [a => a.Send(HttpMethod.Get, History("CTC-9999"), a.Api.Token())],
        ["getTicketHistory 500 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Get, History(Apis.Fails500))],
        ["getTicketHistory 503 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Get, History(Apis.Fails503))],

        ["uploadAttachment 200 application/json"] =
        [
            a => a.Api.UploadAsync("hello"u8.ToArray()),
            a => a.Api.UploadMultipartAsync("hello"u8.ToArray(), "note.txt", "text/plain"),
        ],
        ["uploadAttachment 400 application/json"] =
        [
            a => a.Api.UploadAsync([], "empty.txt"),
            a => a.Api.UploadAsync("x"u8.ToArray(), filename: null),
            a => a.Send(HttpMethod.Post, AttachmentApi.UploadPath, a.Api.Token(), tenant: "not-a-uuid"),
        ],
        ["uploadAttachment 401 application/json"] =
        [
            a => a.Send(HttpMethod.Post, AttachmentApi.UploadPath, null),
            a => a.Api.UploadAsync("x"u8.ToArray(), token: a.Api.Token(scope: "tickets:read")),
        ],
        ["uploadAttachment 404 application/json"] = [a => a.Api.UploadAsync("x"u8.ToArray(), tenantHeader: TestApi.OtherTenant)],
        ["uploadAttachment 413 application/json"] = [a => a.Api.UploadAsync(new byte[10 * 1024 * 1024 + 1], "big.bin", "application/octet-stream")],
        // One caller past the pending-upload quota (20 by default): its own subject, so no other case's uploads count.
        ["uploadAttachment 429 application/json"] =
        [
            async a =>
            {
                var token = a.Api.Token(subject: "quota-" + Guid.NewGuid());
                for (var i = 0; ; i++)
                {
                    var response = await a.Api.UploadAsync("x"u8.ToArray(), token: token);
                    if ((int)response.StatusCode == 429 || i > 25) return response;
                }
            },
        ],
        ["uploadAttachment 408 application/json"] =
        [
            a =>
            {
                var request = a.Api.Request(HttpMethod.Post, AttachmentApi.UploadPath, a.Api.Token());
                request.Content = new ByteArrayContent("x"u8.ToArray());
                request.Headers.TryAddWithoutValidation("x-filename", "x.txt");
                request.Headers.Add(StalledBody.Header, "true");
                return a.Api.Client.SendAsync(request);
            },
        ],
        ["uploadAttachment 500 application/json"] = [a => a.SendFaulty(HttpMethod.Post, AttachmentApi.UploadPath)],
        ["uploadAttachment 503 application/json"] = [a => a.SendFaulty(HttpMethod.Post, AttachmentApi.UploadPath, Apis.ThrottledTenant)],

        ["downloadAttachment 200 */*"] =
        [
            async a => { var (objectId, id) = await a.CreateTicketWithAttachment("text/plain"); return await a.Api.DownloadAsync(objectId, id); },
            async a => { var (objectId, id) = await a.CreateTicketWithAttachment("text/html"); return await a.Api.DownloadAsync(objectId, id); },
        ],
        ["downloadAttachment 400 application/json"] = [a => a.Send(HttpMethod.Get, AttachmentApi.DownloadPath("CTC-0001", Guid.NewGuid().ToString()), a.Api.Token(), realm: null)],
        ["downloadAttachment 401 application/json"] =
        [
            a => a.Send(HttpMethod.Get, AttachmentApi.DownloadPath("CTC-0001", Guid.NewGuid().ToString()), null),
            a => a.Send(HttpMethod.Get, AttachmentApi.DownloadPath("CTC-0001", Guid.NewGuid().ToString()), a.Api.Token(scope: "openid")),
        ],
        ["downloadAttachment 403 application/json"] =
        [
            async a => { var (objectId, id) = await a.CreateTicketWithAttachment("text/plain"); return await a.Api.DownloadAsync(objectId, id, a.Api.Token(teams: "facilities")); },
        ],
        ["downloadAttachment 404 application/json"] =
        [
            async a => await a.Api.DownloadAsync(await a.CreateTicket(), Guid.NewGuid().ToString()),
            a => a.Api.DownloadAsync("CTC-9999", Guid.NewGuid().ToString()),
        ],
        ["downloadAttachment 500 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Get, AttachmentApi.DownloadPath(Apis.Fails500, Guid.NewGuid().ToString()))],
        ["downloadAttachment 503 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Get, AttachmentApi.DownloadPath(Apis.Fails503, Guid.NewGuid().ToString()))],

        ["deleteTicket 200 application/json"] = [async a => await a.Api.DeleteTicketAsync(await a.CreateTicket(), AttachmentApi.Quote(a.LastEtag))],
        ["deleteTicket 400 application/json"] =
        [
            async a => await a.Api.DeleteTicketAsync(await a.CreateTicket(), "*"),
            a => a.Send(HttpMethod.Delete, Ticket("CTC-0001"), a.Api.Token(roles: "ticket_agent"), tenant: "not-a-uuid"),
        ],
        ["deleteTicket 401 application/json"] =
        [
            a => a.Send(HttpMethod.Delete, Ticket("CTC-0001"), null),
            a => a.Api.DeleteTicketAsync("CTC-0001", "\"x\"", a.Api.Token(roles: "ticket_user")),
        ],
        ["deleteTicket 403 application/json"] = [async a => await a.Api.DeleteTicketAsync(await a.CreateTicket(), AttachmentApi.Quote(a.LastEtag), a.Api.Token(roles: "ticket_agent", teams: "facilities"))],
        ["deleteTicket 404 application/json"] = [a => a.Api.DeleteTicketAsync("CTC-9999", "\"x\"")],
        ["deleteTicket 412 application/json"] = [async a => await a.Api.DeleteTicketAsync(await a.CreateTicket(), AttachmentApi.Quote(Guid.NewGuid().ToString()))],
        ["deleteTicket 428 application/json"] = [async a => await a.Api.DeleteTicketAsync(await a.CreateTicket(), null)],
        ["deleteTicket 500 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Delete, Ticket(Apis.Fails500), token: a.Faulty.Token(roles: "ticket_agent"))],
        ["deleteTicket 503 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Delete, Ticket(Apis.Fails503), token: a.Faulty.Token(roles: "ticket_agent"))],
        ["readEventFeed 200 application/json"] =
        [
            async a =>
            {
                await a.CreateTicket();
                var first = await (await a.Send(HttpMethod.Get, Events("pageSize=1"), a.Api.Token(roles: "tenant_admin"))).JsonAsync();
                return await a.Send(HttpMethod.Get, Events($"pageSize=5&includeData=true&after={first.GetProperty("cursor").GetString()}"), a.Api.Token(roles: "tenant_admin"));
            },
            a => a.Send(HttpMethod.Get, Events("types=ticket.created,ticket.updated&teamId=james"), a.Api.Token(roles: "tenant_admin", scope: "tickets:read")),
        ],
        ["readEventFeed 400 application/json"] =
        [
            a => a.Send(HttpMethod.Get, Events("pageSize=0&types=ticket.nope"), a.Api.Token(roles: "tenant_admin")),
            a => a.Send(HttpMethod.Get, Events("after=AAAAAAAA"), a.Api.Token(roles: "tenant_admin")),
        ],
        ["readEventFeed 401 application/json"] =
        [
            a => a.Send(HttpMethod.Get, Events(""), null),
            a => a.Send(HttpMethod.Get, Events(""), a.Api.Token(roles: "tenant_admin", scope: "openid")),
        ],
        ["readEventFeed 403 application/json"] = [a => a.Send(HttpMethod.Get, Events(""), a.Api.Token(roles: "ticket_agent"))],
        ["readEventFeed 404 application/json"] = [a => a.Send(HttpMethod.Get, Events(""), a.Api.Token(roles: "tenant_admin"), tenant: TestApi.OtherTenant)],
        ["readEventFeed 500 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Get, Events("pageSize=" + FaultyEventStore.Fails500PageSize), token: a.Faulty.Token(roles: "tenant_admin"))],
        ["readEventFeed 503 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Get, Events("pageSize=" + FaultyEventStore.Fails503PageSize), token: a.Faulty.Token(roles: "tenant_admin"))],
        ["createWebhook 201 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(""), a.Api.Token(roles: "tenant_admin"), WebhookBody)],
        ["createWebhook 400 application/json"] =
        [
            a => a.Send(HttpMethod.Post, Webhooks(""), a.Api.Token(roles: "tenant_admin"), """{"url":"https://10.1.2.3/in"}"""),
            a => a.Send(HttpMethod.Post, Webhooks(""), a.Api.Token(roles: "tenant_admin"), WebhookBody, tenant: "not-a-uuid"),
        ],
        ["createWebhook 401 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(""), null, WebhookBody)],
        ["createWebhook 403 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(""), a.Api.Token(roles: "ticket_agent"), WebhookBody)],
        ["createWebhook 404 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(""), a.Api.Token(roles: "tenant_admin"), WebhookBody, tenant: TestApi.OtherTenant)],
        ["createWebhook 408 application/json"] = [a => a.SendStalled(HttpMethod.Post, Webhooks(""))],
        ["createWebhook 413 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(""), a.Api.Token(roles: "tenant_admin"), $$"""{"url":"https://203.0.113.10/","description":"{{new string('x', 1024 * 1024)}}"}""")],
        ["createWebhook 415 application/json"] = [a => a.SendBody(HttpMethod.Post, Webhooks(""), new StringContent("{}", System.Text.Encoding.UTF8, "application/xml"))],
        ["updateWebhook 408 application/json"] = [a => a.SendStalled(HttpMethod.Patch, Webhooks(UnknownWebhook))],
        ["updateWebhook 413 application/json"] = [a => a.Send(HttpMethod.Patch, Webhooks(UnknownWebhook), a.Api.Token(roles: "tenant_admin"), $$"""{"description":"{{new string('x', 1024 * 1024)}}"}""")],
        ["updateWebhook 415 application/json"] = [a => a.SendBody(HttpMethod.Patch, Webhooks(UnknownWebhook), new StringContent("{}", System.Text.Encoding.UTF8, "application/xml"))],
        ["listWebhookAttempts 200 application/json"] = [async a => await a.Send(HttpMethod.Get, Webhooks(await a.CreateWebhook() + "/attempts?pageSize=10"), a.Api.Token(roles: "tenant_admin"))],
        ["listWebhookAttempts 400 application/json"] =
        [
            async a => await a.Send(HttpMethod.Get, Webhooks(await a.CreateWebhook() + "/attempts?pageSize=0"), a.Api.Token(roles: "tenant_admin")),
            a => a.Send(HttpMethod.Get, Webhooks(UnknownWebhook + "/attempts"), a.Api.Token(roles: "tenant_admin"), tenant: "not-a-uuid"),
        ],
        ["listWebhookAttempts 401 application/json"] = [a => a.Send(HttpMethod.Get, Webhooks(UnknownWebhook + "/attempts"), null)],
        ["listWebhookAttempts 403 application/json"] = [a => a.Send(HttpMethod.Get, Webhooks(UnknownWebhook + "/attempts"), a.Api.Token(roles: "ticket_agent"))],
        ["listWebhookAttempts 404 application/json"] =
        [
            a => a.Send(HttpMethod.Get, Webhooks(UnknownWebhook + "/attempts"), a.Api.Token(roles: "tenant_admin")),
            a => a.Send(HttpMethod.Get, Webhooks(UnknownWebhook + "/attempts"), a.Api.Token(roles: "tenant_admin"), tenant: TestApi.OtherTenant),
        ],
        ["redeliverWebhookEvents 200 application/json"] =
        [
            async a =>
            {
                var cursor = (await (await a.Send(HttpMethod.Get, Events("pageSize=1"), a.Api.Token(roles: "tenant_admin"))).JsonAsync()).GetProperty("cursor").GetString();
                return await a.Send(HttpMethod.Post, Webhooks(await a.CreateWebhook() + "/redeliver"), a.Api.Token(roles: "tenant_admin"), $$"""{"after":"{{cursor}}"}""");
            },
        ],
        ["redeliverWebhookEvents 400 application/json"] =
        [
            async a => await a.Send(HttpMethod.Post, Webhooks(await a.CreateWebhook() + "/redeliver"), a.Api.Token(roles: "tenant_admin"), """{"eventId":"never-sent"}"""),
            a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/redeliver"), a.Api.Token(roles: "tenant_admin"), "{}", tenant: "not-a-uuid"),
        ],
        ["redeliverWebhookEvents 401 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/redeliver"), null, "{}")],
        ["redeliverWebhookEvents 403 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/redeliver"), a.Api.Token(roles: "ticket_agent"), "{}")],
        ["redeliverWebhookEvents 404 application/json"] =
        [
            a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/redeliver"), a.Api.Token(roles: "tenant_admin"), """{"eventId":"x"}"""),
            a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/redeliver"), a.Api.Token(roles: "tenant_admin"), "{}", tenant: TestApi.OtherTenant),
        ],
        ["redeliverWebhookEvents 408 application/json"] = [a => a.SendStalled(HttpMethod.Post, Webhooks(UnknownWebhook + "/redeliver"))],
        ["redeliverWebhookEvents 413 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/redeliver"), a.Api.Token(roles: "tenant_admin"), $$"""{"eventId":"{{new string('x', 1024 * 1024)}}"}""")],
        ["redeliverWebhookEvents 415 application/json"] = [a => a.SendBody(HttpMethod.Post, Webhooks(UnknownWebhook + "/redeliver"), new StringContent("{}", System.Text.Encoding.UTF8, "application/xml"))],
        ["listWebhooks 200 application/json"] =
        [
            async a =>
            {
                await a.CreateWebhook();
                return await a.Send(HttpMethod.Get, Webhooks(""), a.Api.Token(roles: "tenant_admin"));
            },
        ],
        ["listWebhooks 400 application/json"] = [a => a.Send(HttpMethod.Get, Webhooks(""), a.Api.Token(roles: "tenant_admin"), tenant: "not-a-uuid")],
        ["listWebhooks 401 application/json"] = [a => a.Send(HttpMethod.Get, Webhooks(""), a.Api.Token(roles: "tenant_admin", scope: "tickets:read"))],
        ["listWebhooks 403 application/json"] = [a => a.Send(HttpMethod.Get, Webhooks(""), a.Api.Token(roles: "ticket_agent"))],
        ["listWebhooks 404 application/json"] = [a => a.Send(HttpMethod.Get, Webhooks(""), a.Api.Token(roles: "tenant_admin"), tenant: TestApi.OtherTenant)],
        ["readWebhook 200 application/json"] = [async a => await a.Send(HttpMethod.Get, Webhooks(await a.CreateWebhook() + ""), a.Api.Token(roles: "tenant_admin"))],
        ["readWebhook 400 application/json"] = [a => a.Send(HttpMethod.Get, Webhooks(UnknownWebhook + ""), a.Api.Token(roles: "tenant_admin"), tenant: "not-a-uuid")],
        ["readWebhook 401 application/json"] = [a => a.Send(HttpMethod.Get, Webhooks(UnknownWebhook + ""), null)],
        ["readWebhook 403 application/json"] = [a => a.Send(HttpMethod.Get, Webhooks(UnknownWebhook + ""), a.Api.Token(roles: "ticket_agent"))],
        ["readWebhook 404 application/json"] =
        [
            a => a.Send(HttpMethod.Get, Webhooks(UnknownWebhook + ""), a.Api.Token(roles: "tenant_admin")),
            a => a.Send(HttpMethod.Get, Webhooks(UnknownWebhook + ""), a.Api.Token(roles: "tenant_admin"), tenant: TestApi.OtherTenant),
        ],
        ["updateWebhook 200 application/json"] = [async a => await a.Send(HttpMethod.Patch, Webhooks(await a.CreateWebhook() + ""), a.Api.Token(roles: "tenant_admin"), """{"includeData":true}""")],
        ["updateWebhook 401 application/json"] = [a => a.Send(HttpMethod.Patch, Webhooks(UnknownWebhook + ""), null, """{"includeData":true}""")],
        ["updateWebhook 403 application/json"] = [a => a.Send(HttpMethod.Patch, Webhooks(UnknownWebhook + ""), a.Api.Token(roles: "ticket_agent"), """{"includeData":true}""")],
        ["updateWebhook 404 application/json"] =
        [
            a => a.Send(HttpMethod.Patch, Webhooks(UnknownWebhook + ""), a.Api.Token(roles: "tenant_admin"), """{"includeData":true}"""),
            a => a.Send(HttpMethod.Patch, Webhooks(UnknownWebhook + ""), a.Api.Token(roles: "tenant_admin"), """{"includeData":true}""", tenant: TestApi.OtherTenant),
        ],
        ["deleteWebhook 200 application/json"] = [async a => await a.Send(HttpMethod.Delete, Webhooks(await a.CreateWebhook() + ""), a.Api.Token(roles: "tenant_admin"))],
        ["deleteWebhook 400 application/json"] = [a => a.Send(HttpMethod.Delete, Webhooks(UnknownWebhook + ""), a.Api.Token(roles: "tenant_admin"), tenant: "not-a-uuid")],
        ["deleteWebhook 401 application/json"] = [a => a.Send(HttpMethod.Delete, Webhooks(UnknownWebhook + ""), null)],
        ["deleteWebhook 403 application/json"] = [a => a.Send(HttpMethod.Delete, Webhooks(UnknownWebhook + ""), a.Api.Token(roles: "ticket_agent"))],
        ["deleteWebhook 404 application/json"] =
        [
            a => a.Send(HttpMethod.Delete, Webhooks(UnknownWebhook + ""), a.Api.Token(roles: "tenant_admin")),
            a => a.Send(HttpMethod.Delete, Webhooks(UnknownWebhook + ""), a.Api.Token(roles: "tenant_admin"), tenant: TestApi.OtherTenant),
        ],
        ["pauseWebhook 200 application/json"] = [async a => await a.Send(HttpMethod.Post, Webhooks(await a.CreateWebhook() + "/pause"), a.Api.Token(roles: "tenant_admin"))],
        ["pauseWebhook 400 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/pause"), a.Api.Token(roles: "tenant_admin"), tenant: "not-a-uuid")],
        ["pauseWebhook 401 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/pause"), null)],
        ["pauseWebhook 403 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/pause"), a.Api.Token(roles: "ticket_agent"))],
        ["pauseWebhook 404 application/json"] =
        [
            a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/pause"), a.Api.Token(roles: "tenant_admin")),
            a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/pause"), a.Api.Token(roles: "tenant_admin"), tenant: TestApi.OtherTenant),
        ],
        ["resumeWebhook 200 application/json"] = [async a => await a.Send(HttpMethod.Post, Webhooks(await a.CreateWebhook() + "/resume"), a.Api.Token(roles: "tenant_admin"))],
        ["resumeWebhook 400 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/resume"), a.Api.Token(roles: "tenant_admin"), tenant: "not-a-uuid")],
        ["resumeWebhook 401 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/resume"), null)],
        ["resumeWebhook 403 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/resume"), a.Api.Token(roles: "ticket_agent"))],
        ["resumeWebhook 404 application/json"] =
        [
            a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/resume"), a.Api.Token(roles: "tenant_admin")),
            a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/resume"), a.Api.Token(roles: "tenant_admin"), tenant: TestApi.OtherTenant),
        ],
        ["rotateWebhookSecret 200 application/json"] = [async a => await a.Send(HttpMethod.Post, Webhooks(await a.CreateWebhook() + "/rotate-secret"), a.Api.Token(roles: "tenant_admin"))],
        ["rotateWebhookSecret 400 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/rotate-secret"), a.Api.Token(roles: "tenant_admin"), tenant: "not-a-uuid")],
        ["rotateWebhookSecret 401 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/rotate-secret"), null)],
        ["rotateWebhookSecret 403 application/json"] = [a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/rotate-secret"), a.Api.Token(roles: "ticket_agent"))],
        ["rotateWebhookSecret 404 application/json"] =
        [
            a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/rotate-secret"), a.Api.Token(roles: "tenant_admin")),
            a => a.Send(HttpMethod.Post, Webhooks(UnknownWebhook + "/rotate-secret"), a.Api.Token(roles: "tenant_admin"), tenant: TestApi.OtherTenant),
        ],
        ["updateWebhook 400 application/json"] =
        [
            async a => await a.Send(HttpMethod.Patch, Webhooks(await a.CreateWebhook()), a.Api.Token(roles: "tenant_admin"), """{"url":"https://169.254.169.254/"}"""),
            a => a.Send(HttpMethod.Patch, Webhooks(UnknownWebhook), a.Api.Token(roles: "tenant_admin"), """{"includeData":true}""", tenant: "not-a-uuid"),
        ],
        ["listTickets 200 application/json"] =
        [
            async a =>
            {
                await a.CreateTicket();
                await a.CreateTicket();
                var first = await (await a.Send(HttpMethod.Get, List("pageSize=1&teamId=james"), a.Api.Token())).JsonAsync();
                return await a.Send(HttpMethod.Get, List($"pageSize=1&teamId=james&include=data&continuationToken={first.GetProperty("continuationToken").GetString()}"), a.Api.Token());
            },
            a => a.Send(HttpMethod.Get, List("q=laptop&sort=updated_at&order=asc"), a.Api.Token(scope: "tickets:read")),
        ],
        ["listTickets 400 application/json"] =
        [
            a => a.Send(HttpMethod.Get, List("pageSize=0"), a.Api.Token()),
            a => a.Send(HttpMethod.Get, List(""), a.Api.Token(), tenant: "not-a-uuid"),
            a => a.Send(HttpMethod.Get, List("continuationToken=AAAAAAAA"), a.Api.Token()),
        ],
        ["listTickets 401 application/json"] =
        [
            a => a.Send(HttpMethod.Get, List(""), null),
            a => a.Send(HttpMethod.Get, List(""), a.Api.Token(scope: "openid")),
        ],
        ["listTickets 404 application/json"] = [a => a.Send(HttpMethod.Get, List(""), a.Api.Token(), tenant: TestApi.OtherTenant)],
        ["listTickets 500 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Get, List("q=" + Apis.Fails500))],
        ["listTickets 503 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Get, List("q=" + Apis.Fails503))],

        ["moveTicket 200 application/json"] =
        [
            async a => await a.Move(await a.CreateTicket(), TicketMoveApi.MoveBody("facilities", etag: a.LastEtag)),
            async a => await a.Move(await a.CreateTicket(), TicketMoveApi.MoveBody("james", TicketMoveApi.IncidentType, a.LastEtag)),
            async a =>
            {
                var (objectId, key) = (await a.CreateTicket(), $"move-{Guid.NewGuid()}");
                await a.Move(objectId, TicketMoveApi.MoveBody("facilities", etag: a.LastEtag), key: key);
                var replay = await a.Move(objectId, TicketMoveApi.MoveBody("facilities", etag: a.LastEtag), key: key);
                Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
                return replay;
            },
        ],
        ["moveTicket 308 application/json"] = [async a => await a.Move(await a.Tombstone(), TicketMoveApi.MoveBody("james", etag: a.LastEtag))],
        ["moveTicket 400 application/json"] =
        [
            async a => await a.Move(await a.CreateTicket(), "{"),
            async a => await a.Move(await a.CreateTicket(), TicketMoveApi.MoveBody("james", "16911", a.LastEtag)),
        ],
        ["moveTicket 401 application/json"] =
        [
            a => a.Send(HttpMethod.Post, Move("CTC-0001"), null, "{}"),
            async a => await a.Move(await a.CreateTicket(), TicketMoveApi.MoveBody("facilities", etag: a.LastEtag), a.Api.Token()),
        ],
        ["moveTicket 403 application/json"] = [async a => await a.Move(await a.CreateTicket(), TicketMoveApi.MoveBody("facilities", etag: a.LastEtag), a.Api.Token(roles: "ticket_agent"))],
        ["moveTicket 404 application/json"] = [a => a.Move("CTC-9999", TicketMoveApi.MoveBody("facilities"))],
        ["moveTicket 408 application/json"] = [async a => await a.SendStalled(HttpMethod.Post, Move(await a.CreateTicket()), a.Agent)],
        ["moveTicket 409 application/json"] =
        [
            async a =>
            {
                // Faulty's store holds every key in progress; a Payment Approval ticket is one its store may write.
                var ticket = await TicketLifecycleApi.CreateTicketAsync(a.Faulty, Apis.PaymentBody, a.Faulty.Token(roles: "ticket_agent", teams: "facilities"),
                    "/api/v2/ticketing/ticket/create/facilities/16912?type=agent&module=ticketing");
                var request = a.Faulty.Request(HttpMethod.Post, Move(ticket.ObjectId()), a.Faulty.Token(roles: "ticket_agent", teams: "facilities,james"),
                    TicketMoveApi.MoveBody("james", etag: ticket.Etag()));
                request.Headers.TryAddWithoutValidation("Idempotency-Key", "always-in-progress");
                return await a.Faulty.Client.SendAsync(request);
            },
        ],
        ["moveTicket 412 application/json"] = [async a => await a.Move(await a.CreateTicket(), TicketMoveApi.MoveBody("facilities", etag: Guid.NewGuid().ToString()))],
        ["moveTicket 413 application/json"] = [async a => await a.Move(await a.CreateTicket(), $$"""{"teamId":"{{new string('x', 1024 * 1024)}}"}""")],
        ["moveTicket 415 application/json"] =
        [
            async a =>
            {
                var request = a.Api.Request(HttpMethod.Post, Move(await a.CreateTicket()), a.Agent);
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/xml");
                return await a.Api.Client.SendAsync(request);
            },
        ],
        ["moveTicket 422 application/json"] =
        [
            async a =>
            {
                var (objectId, key) = (await a.CreateTicket(), $"reused-{Guid.NewGuid()}");
                await a.Move(objectId, TicketMoveApi.MoveBody("facilities", etag: a.LastEtag), key: key);
                return await a.Move(objectId, TicketMoveApi.MoveBody("james", TicketMoveApi.IncidentType, a.LastEtag), key: key);
            },
        ],
        ["moveTicket 428 application/json"] = [async a => await a.Move(await a.CreateTicket(), TicketMoveApi.MoveBody("facilities"))],
        ["moveTicket 500 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Post, Move(Apis.Fails500), "{}", a.Faulty.Token(roles: "ticket_agent"))],
        ["moveTicket 503 application/json"] = [a => a.SendFaultyTicket(HttpMethod.Post, Move(Apis.Fails503), "{}", a.Faulty.Token(roles: "ticket_agent"))],
        ["getTicket 308 application/json"] = [async a => await a.Send(HttpMethod.Get, Ticket(await a.Tombstone()), a.Agent)],
        ["updateTicket 308 application/json"] = [async a => await a.Send(HttpMethod.Patch, Update(await a.Tombstone()), a.Agent, """{"summary":"x"}""")],
        ["deleteTicket 308 application/json"] = [async a => await a.Api.DeleteTicketAsync(await a.Tombstone(), AttachmentApi.Quote(a.LastEtag), a.Agent)],
        ["getTicketHistory 308 application/json"] = [async a => await a.Send(HttpMethod.Get, History(await a.Tombstone()), a.Agent)],
        ["downloadAttachment 308 application/json"] = [async a => await a.Api.DownloadAsync(await a.Tombstone(), Guid.NewGuid().ToString(), a.Agent)],
        ["addTicketComment 308 application/json"] = [async a => await a.Send(HttpMethod.Post, Comments(await a.Tombstone()), a.Agent, """{"body":"x"}""")],
        ["listTicketComments 308 application/json"] = [async a => await a.Send(HttpMethod.Get, Comments(await a.Tombstone()), a.Agent)],
        ["editTicketComment 308 application/json"] =
            [async a => await a.Send(HttpMethod.Patch, Comment(await a.Tombstone(), Guid.NewGuid().ToString()), a.Agent, """{"body":"x"}""")],
        ["redactTicketComment 308 application/json"] =
            [async a => await a.Send(HttpMethod.Post, Comment(await a.Tombstone(), Guid.NewGuid().ToString()) + "/redact", a.Api.Token(roles: "tenant_admin", teams: "james,facilities"))],

        ["getHealth 200 application/json"] = [a => a.Api.Client.GetAsync("/api/health")],
        ["getHealthReady 200 application/json"] = [a => a.Api.Client.GetAsync("/api/health/ready")],
        ["getHealthReady 503 application/json"] = [a => a.Faulty.Client.GetAsync("/api/health/ready")],
        ["getApiDocs 200 text/html"] = [a => a.Faulty.Client.GetAsync("/api/docs")],
        ["getApiDocs 404 text/html"] = [a => a.Api.Client.GetAsync("/api/docs")],
        ["getApiDocsAsset 200 text/css"] = [a => a.Faulty.Client.GetAsync("/api/docs/swagger-ui.css")],
        ["getApiDocsAsset 200 text/javascript"] = [a => a.Faulty.Client.GetAsync("/api/docs/swagger-ui-bundle.js")],
        ["getApiDocsAsset 200 image/png"] = [a => a.Faulty.Client.GetAsync("/api/docs/favicon-32x32.png")],
        ["getApiDocsAsset 404 text/html"] = [a => a.Faulty.Client.GetAsync("/api/docs/index.js")],
        ["getHealth 414 (no body)"] = [a => a.Loopback.Client.GetAsync("/api/health?pad=" + new string('x', 9 * 1024))],
        ["getHealthReady 414 (no body)"] = [a => a.Loopback.Client.GetAsync("/api/health/ready?pad=" + new string('x', 9 * 1024))],
        ["getApiDocs 414 (no body)"] = [a => a.Loopback.Client.GetAsync("/api/docs?pad=" + new string('x', 9 * 1024))],
        ["getApiDocsAsset 414 (no body)"] = [a => a.Loopback.Client.GetAsync("/api/docs/swagger-ui.css?pad=" + new string('x', 9 * 1024))],
        ["getOpenApiYaml 200 application/yaml"] = [a => a.Api.Client.GetAsync("/api/openapi.yaml")],
        ["getOpenApiJson 200 application/json"] = [a => a.Api.Client.GetAsync("/api/openapi.json")],
        // Kestrel's own limit (a real socket: TestServer has none): a request line over 8 KiB.
        ["getOpenApiYaml 414 (no body)"] = [a => a.Loopback.Client.GetAsync("/api/openapi.yaml?pad=" + new string('x', 9 * 1024))],
        ["getOpenApiJson 414 (no body)"] = [a => a.Loopback.Client.GetAsync("/api/openapi.json?pad=" + new string('x', 9 * 1024))],
    };

    private static string Ticket(string objectId) => $"/api/v2/ticketing/ticket/{objectId}";
    private const string WebhookBody = """{"url":"https://203.0.113.10/hooks","eventTypes":["ticket.created"]}""";
    private const string UnknownWebhook = "wh_0123456789abcdef0123456789abcdef";
    private static string Webhooks(string rest) => rest.Length == 0 ? "/api/v2/ticketing/webhooks" : $"/api/v2/ticketing/webhooks/{rest}";

    private static string Events(string query) => query.Length == 0 ? "/api/v2/ticketing/events" : $"/api/v2/ticketing/events?{query}";

    private static string List(string query) => query.Length == 0 ? "/api/v2/ticketing/ticket/list" : $"/api/v2/ticketing/ticket/list?{query}";
    private static string Update(string objectId) => $"/api/v2/ticketing/ticket/update/{objectId}";
    private static string History(string objectId) => $"/api/v2/ticketing/ticket/{objectId}/history";
    private static string Move(string objectId) => TicketMoveApi.MovePath(objectId);
    private static string Comments(string objectId) => $"/api/v2/ticketing/ticket/{objectId}/comments";
    private static string Comment(string objectId, string commentId) => $"/api/v2/ticketing/ticket/{objectId}/comments/{commentId}";

    public static TheoryData<string> DocumentedResponses()
    {
        var data = new TheoryData<string>();
        foreach (var key in OpenApiContract.Instance.DocumentedResponses.Select(k => k.ToString()).Distinct().Order(StringComparer.Ordinal)) data.Add(key);
        return data;
    }

    [Theory]
    [MemberData(nameof(DocumentedResponses))]
    public async Task Every_documented_response_is_produced_by_the_api(string response)
    {
        if (Pending.TryGetValue(response, out var reason))
        {
            Assert.False(Scenarios.ContainsKey(response), $"{response} has a scenario now: remove it from Pending");
            Assert.False(string.IsNullOrWhiteSpace(reason));
            return;
        }

        Assert.True(Scenarios.TryGetValue(response, out var scenarios),
            $"openapi.yaml documents {response}, but no test produces it. Add a scenario to {nameof(OpenApiCoverageTests)}.{nameof(Scenarios)} "
            + "(or remove the response from the document if the API never answers it).");

        foreach (var scenario in scenarios)
        {
            // The checking client throws when the response is not what the document says.
            var received = await scenario(apis);
            var exchange = OpenApiConformance.Recorder.Of(received);
            Assert.NotNull(exchange);
            Assert.Empty(exchange.Problems);
            Assert.Equal(response, exchange.Key?.ToString());
        }
    }

    [Fact]
    public void Every_scenario_and_pending_entry_names_a_documented_response()
    {
        var documented = OpenApiContract.Instance.DocumentedResponses.Select(k => k.ToString()).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(Scenarios.Keys.Concat(Pending.Keys).Where(k => !documented.Contains(k)));
    }

    /// <summary>The normal API, and one whose store fails in the ways the document describes.</summary>
    public sealed class Apis : IAsyncLifetime
    {
        public TestApi Api { get; private set; } = null!;

        /// <summary>The normal API on Kestrel, on a loopback port.</summary>
        public TestApi Loopback { get; private set; } = null!;

        /// <summary>
        /// Store faults: the other tenant's catalog read throws (→ 500 on the catalog reads), and
        /// <see cref="ThrottledTenant"/>'s is throttled (→ 503); a REQ display number is throttled (→ 503
        /// with Retry-After); writing a CTC ticket throws (→ 500); reading ticket <see cref="Fails500"/>
        /// throws and reading <see cref="Fails503"/> is throttled; every Idempotency-Key is held by a
        /// request still in progress (→ 409).
        /// </summary>
        public TestApi Faulty { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            // The sample catalog and a type Hardware Request's tickets can move to (TicketMoveApi).
            Api = await TestApi.StartAsync(TicketMoveApi.WithMoveCatalog, s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, StalledBody>());
            Loopback = await TestApi.StartOnLoopbackAsync();
            Faulty = await TestApi.StartAsync(
                settings =>
                {
                    settings["Catalog:SeedFile"] = CatalogFileReader.SampleCatalogPath;
                    settings["ApiDocs:Enabled"] = "true";
                },
                services =>
                {
                    services.AddSingleton(sp => new EmbeddedTicketStore(sp.GetRequiredService<LocalDataFolder>().Path));
                    services.AddSingleton(sp => FaultyStore.Wrap(sp.GetRequiredService<EmbeddedTicketStore>()));
                    services.AddSingleton(sp => FaultyEventStore.Wrap(sp.GetRequiredService<EmbeddedTicketStore>()));
                });
        }

        public async Task DisposeAsync()
        {
            await Api.DisposeAsync();
            await Loopback.DisposeAsync();
            await Faulty.DisposeAsync();
        }

        /// <summary>A new subscription of the tenant (to a public address literal: no DNS); its id.</summary>
        public async Task<string> CreateWebhook()
        {
            var response = await Send(HttpMethod.Post, Webhooks(""), Api.Token(roles: "tenant_admin"), WebhookBody);
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
            return (await response.JsonAsync()).GetProperty("webhook").GetProperty("id").GetString()!;
        }

        public Task<HttpResponseMessage> Send(HttpMethod method, string path, string? token, string? body = null,
            string tenant = TestApi.Tenant, string? realm = TestApi.Realm) =>
            Api.Client.SendAsync(Api.Request(method, path, token, body, tenant, realm));

        /// <summary>Display ids whose reads fail in <see cref="Faulty"/>'s store: unexpectedly (→ 500), or throttled (→ 503).</summary>
        public const string Fails500 = "CTC-0500";
        public const string Fails503 = "CTC-0503";

        /// <summary>The etag of the ticket <see cref="CreateTicket"/> made last (scenarios run one at a time).</summary>
        public string LastEtag { get; private set; } = "";

        /// <summary>Creates the contract's example ticket in <see cref="Api"/> and returns its display id.</summary>
        public async Task<string> CreateTicket()
        {
            var created = await Api.CreateAsync(Bodies.ContractExample);
            var ticket = (await created.JsonAsync()).GetProperty("ticket");
            LastEtag = ticket.GetProperty("etag").GetString()!;
            return ticket.GetProperty("object_id").GetString()!;
        }

        /// <summary>The display id of the ticket <see cref="AddComment"/> commented on last.</summary>
        public string LastObjectId { get; private set; } = "";

        /// <summary>Creates a ticket, comments on it as the default caller, and answers the comment's id (its etag in <see cref="LastCommentEtag"/>).</summary>
        public async Task<string> AddComment()
        {
            LastObjectId = await CreateTicket();
            var comment = (await (await Send(HttpMethod.Post, Comments(LastObjectId), Api.Token(), """{"body":"<p>Hi</p>"}""")).JsonAsync()).GetProperty("comment");
            LastCommentEtag = comment.GetProperty("etag").GetString()!;
            return comment.GetProperty("id").GetString()!;
        }

        public string LastCommentEtag { get; private set; } = "";

        /// <summary>
        /// Comments, then edits that comment as its author: with <paramref name="body"/> (null: a stalled body; "text/plain":
        /// a body of that type), If-Match its etag (<paramref name="quoted"/> true), a made-up one (false) or none (null).
        /// </summary>
        public async Task<HttpResponseMessage> EditOwnComment(string? body, bool? quoted)
        {
            var id = await AddComment();
            var request = Api.Request(HttpMethod.Patch, Comment(LastObjectId, id), Api.Token(), body is null or "text/plain" ? Bodies.ContractExample : body);
            if (body is null) request.Headers.Add(StalledBody.Header, "true");
            if (body == "text/plain") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "text/plain");
            if (quoted is not null) request.Headers.TryAddWithoutValidation("If-Match", $"\"{(quoted.Value ? LastCommentEtag : Guid.NewGuid().ToString())}\"");
            return await Api.Client.SendAsync(request);
        }

        public Task<HttpResponseMessage> SendBody(HttpMethod method, string path, HttpContent content)
        {
            var request = Api.Request(method, path, Api.Token());
            request.Content = content;
            return Api.Client.SendAsync(request);
        }

        /// <summary>An agent of both sample teams: who may move tickets.</summary>
        public string Agent => Api.Token(roles: "ticket_agent", teams: "james,facilities");

        public const string PaymentBody = """
            {"source":"api","summary":"Pay the vendor","ticketBody":{"offerId":"23631","3a7c9e1b-5d2f-4b8a-8e6c-1f9d3b7a5c20":120.5,
             "6b1d8f3a-9c4e-4d7b-a2f5-7e0c9b4d1a36":"Contoso Supplies"},"attachments":{},"ticketRelation":null}
            """;

        public Task<HttpResponseMessage> Move(string objectId, string body, string? token = null, string? key = null)
        {
            var request = Api.Request(HttpMethod.Post, TicketMoveApi.MovePath(objectId), token ?? Agent, body);
            if (key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            return Api.Client.SendAsync(request);
        }

        /// <summary>Creates a ticket, moves it to another type and answers the old display id (its etag before the move in <see cref="LastEtag"/>).</summary>
        public async Task<string> Tombstone()
        {
            var objectId = await CreateTicket();
            var moved = await Move(objectId, TicketMoveApi.MoveBody("james", TicketMoveApi.IncidentType, LastEtag));
            Assert.Equal(System.Net.HttpStatusCode.OK, moved.StatusCode);
            return objectId;
        }

        public Task<HttpResponseMessage> SendStalled(HttpMethod method, string path, string? token = null)
        {
            var request = Api.Request(method, path, token ?? Api.Token(), Bodies.ContractExample);
            request.Headers.Add(StalledBody.Header, "true");
            return Api.Client.SendAsync(request);
        }

        public Task<HttpResponseMessage> SendFaultyTicket(HttpMethod method, string path, string? body = null, string? token = null) =>
            Faulty.Client.SendAsync(Faulty.Request(method, path, token ?? Faulty.Token(), body));

        /// <summary>Uploads a file of this type, creates a ticket linking it, and answers both ids.</summary>
        public async Task<(string ObjectId, string AttachmentId)> CreateTicketWithAttachment(string contentType)
        {
            var id = await Api.UploadIdAsync("<p>hi</p>"u8.ToArray(), "page", contentType);
            var ticket = await AttachmentApi.TicketOf(await Api.CreateAsync(AttachmentApi.WithAttachments((id, null))));
            return (ticket.ObjectId(), id);
        }

        /// <summary>A tenant whose catalog read is throttled in <see cref="Faulty"/>'s store (→ 503).</summary>
        public const string ThrottledTenant = "00000000-0000-4000-8000-000000000503";

        public Task<HttpResponseMessage> CreateWithKey(TestApi api, string key, string body)
        {
            var request = api.Request(HttpMethod.Post, TestApi.CreatePath, api.Token(), body);
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            return api.Client.SendAsync(request);
        }

        public Task<HttpResponseMessage> SendFaulty(HttpMethod method, string path, string tenant = TestApi.OtherTenant) =>
            Faulty.Client.SendAsync(Faulty.Request(method, path, Faulty.Token(tenant: tenant, teams: "ops"), tenantHeader: tenant));
    }

    /// <summary>
    /// Stands in for Kestrel giving up on a body that arrives too slowly (the real socket's 408 is tested in
    /// Hosting/BrokenBodySocketTests.cs): a request marked with <see cref="Header"/> gets a body stream that throws what
    /// Kestrel throws then. The in-process server can't stall a body itself.
    /// </summary>
    public sealed class StalledBody : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public const string Header = "x-test-stalled-body";

        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use(nextMiddleware => context =>
            {
                if (context.Request.Headers.ContainsKey(Header)) context.Request.Body = new Stalled();
                return nextMiddleware(context);
            });
            next(app);
        };

        private sealed class Stalled : MemoryStream
        {
            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
                ValueTask.FromException<int>(new Microsoft.AspNetCore.Http.BadHttpRequestException("Reading the request body timed out due to data arriving too slowly.", 408));
        }
    }

    /// <summary>
    /// The real store with faults on a few calls. A proxy rather than a class implementing ITicketStore, so
    /// that methods added to the interface later need no change here.
    /// </summary>
    public class FaultyStore : DispatchProxy
    {
        private ITicketStore _inner = null!;

        public static ITicketStore Wrap(ITicketStore inner)
        {
            var proxy = Create<ITicketStore, FaultyStore>();
            ((FaultyStore)(object)proxy)._inner = inner;
            return proxy;
        }

        /// <summary>A listing whose <c>q</c> is this display id.</summary>
        private static bool SearchesFor(object? query, string objectId) =>
            query is TicketListQuery listing && listing.Filters.OfType<ContainsTextFilter>().Any(f => f.Text == objectId.ToLowerInvariant());

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            switch (method!.Name)
            {
                case nameof(ITicketStore.CheckReadyAsync):
                    return Task.FromException(new StoreUnavailableException("unreachable", TimeSpan.FromSeconds(5)));
                case nameof(ITicketStore.GetCatalogAsync) when Equals(args![0], TestApi.OtherTenant):
                    return Task.FromException<TenantCatalog?>(new InvalidOperationException("catalog read failed"));
                case nameof(ITicketStore.GetCatalogAsync) when Equals(args![0], Apis.ThrottledTenant):
                    return Task.FromException<TenantCatalog?>(new StoreUnavailableException("throttled", TimeSpan.FromSeconds(3)));
                case nameof(ITicketStore.NextDisplayNumberAsync) when Equals(args![1], "REQ"):
                    return Task.FromException<DisplayNumber>(new StoreUnavailableException("throttled", TimeSpan.FromSeconds(2)));
                case nameof(ITicketStore.GetTicketAsync) when Equals(args![1], Apis.Fails500):
                    return Task.FromException<Ticket?>(new InvalidOperationException("ticket read failed"));
                case nameof(ITicketStore.GetTicketAsync) when Equals(args![1], Apis.Fails503):
                    return Task.FromException<Ticket?>(new StoreUnavailableException("throttled", TimeSpan.FromSeconds(2)));
                case nameof(ITicketStore.ListTicketsAsync) when SearchesFor(args![0], Apis.Fails500):
                    return Task.FromException<TicketPage>(new InvalidOperationException("listing failed"));
                case nameof(ITicketStore.ListTicketsAsync) when SearchesFor(args![0], Apis.Fails503):
                    return Task.FromException<TicketPage>(new StoreUnavailableException("throttled", TimeSpan.FromSeconds(2)));
                case nameof(ITicketStore.ClaimIdempotencyKeyAsync) when args![0] is IdempotencyRecord claim:
                    // Every key is held by a request still in progress (→ 409).
                    return Task.FromResult<IdempotencyRecord?>(claim);
                case nameof(ITicketStore.CreateTicketAsync) when args![0] is Ticket { ObjectId: var id } && id.StartsWith("CTC-", StringComparison.Ordinal):
                    return Task.FromException(new InvalidOperationException("write failed"));
            }
            try
            {
                return method.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        }
    }

    /// <summary>The real event store, whose feed read fails for two page sizes: unexpectedly (→ 500), or throttled (→ 503).</summary>
    public class FaultyEventStore : DispatchProxy
    {
        public const int Fails500PageSize = 199;
        public const int Fails503PageSize = 198;

        private ITicketEventStore _inner = null!;

        public static ITicketEventStore Wrap(ITicketEventStore inner)
        {
            var proxy = Create<ITicketEventStore, FaultyEventStore>();
            ((FaultyEventStore)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            switch (method!.Name)
            {
                case nameof(ITicketEventStore.ReadEventsAsync) when Equals(args![2], Fails500PageSize):
                    return Task.FromException<EventPage>(new InvalidOperationException("feed read failed"));
                case nameof(ITicketEventStore.ReadEventsAsync) when Equals(args![2], Fails503PageSize):
                    return Task.FromException<EventPage>(new StoreUnavailableException("throttled", TimeSpan.FromSeconds(2)));
            }
            try
            {
                return method.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        }
    }
}
