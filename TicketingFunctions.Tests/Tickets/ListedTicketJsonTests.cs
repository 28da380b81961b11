using System.Buffers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using TicketingFunctions.Api;
using TicketingFunctions.Functions;
using TicketingFunctions.Services;
using TicketingFunctions.Storage;
using TicketingFunctions.Tests.Architecture;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Tests.Tickets;

/// <summary>
/// The differential test of the listing's fast path: a page written from the embedded store's JSON
/// (<see cref="TicketListJson.Write"/> of a page with <see cref="TicketPage.StoredJson"/>) against the plain serialization
/// of the same page's tickets; and where the fast path may be known.
/// </summary>
public sealed class ListedTicketJsonTests
{
    private static readonly string[] Tokens = [null!, "eyJhIjoxfQ.c2lnbmF0dXJl", "needs \"escaping\" <p> é \n \u0001 😀"];

    /// <summary>Characters JSON writes in more than one way. No lone surrogates: a request body with one is refused (JsonBodyReader).</summary>
    private static readonly string[] Characters = ["a", "Z", "9", " ", "<", ">", "&", "'", "\"", "\\", "/", "\n", "\t", "\u0001", "\u007f", "é", "€", "😀", "\u2028", "\uFFFD"];

    /// <summary>Values that JSON writes in more than one way: escapes, markup, non-ASCII, numbers, nesting, nulls.</summary>
    private static Ticket Awkward(string tenant, int i, Random random)
    {
        string Text() => string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Characters[random.Next(Characters.Length)]));
        var ticket = TicketListApi.NewTicket(tenant, $"CTC-{i + 1:D4}", random.Next(2) == 0 ? "james" : "ops", "16910",
            summary: Text(), createdAt: $"2025-07-10T12:{i / 60 % 60:D2}:{i % 60:D2}.{i % 1000:D3}Z", serial: i + 1);
        ticket.Data["free"] = Text();
        ticket.Data["html"] = "<p>Current laptop <b>battery</b> &amp; \"charger\"</p>";
        ticket.Data["number"] = random.Next(3) switch { 0 => JsonValue.Create(1.10), 1 => JsonValue.Create(-42L), _ => JsonNode.Parse("1e3") };
        ticket.Data["nested"] = new JsonObject { ["list"] = new JsonArray(Text(), null, true, 0.5), ["none"] = null };
        return ticket with
        {
            MovedTo = random.Next(2) == 0 ? null : Text(),
            DeletedSeq = random.Next(2) == 0 ? -1 : i,
            Attachments = random.Next(2) == 0 ? [] : new JsonObject { ["a.txt"] = new JsonObject { ["size"] = 12, ["name"] = Text() } },
            TicketRelation = random.Next(2) == 0 ? null : new JsonObject { ["parent"] = Text() },
            Metrics = random.Next(2) == 0 ? [] : [new TicketMetric(TicketMetric.TimeToResolution, 3)],
            IsSupportRequest = random.Next(2) == 0,
        };
    }

    private static byte[] Serialized(TicketListResponse response, JsonTypeInfo<TicketListResponse> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ApiJsonContext.ResponseEncoder, SkipValidation = true }))
            JsonSerializer.Serialize(writer, response, typeInfo);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Written(TicketPage page, bool includeData, string? token)
    {
        var buffer = new ArrayBufferWriter<byte>();
        TicketListJson.Write(buffer, new TicketListResult(page, token, includeData));
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public async Task A_page_written_from_the_stored_json_is_byte_for_byte_the_serialized_page_with_or_without_data()
    {
        var store = TestDataFolders.NewStore();
        var tenant = Guid.NewGuid().ToString();
        var random = new Random(14);
        var created = new Dictionary<string, Ticket>();
        for (var i = 0; i < 300; i++)
        {
            var ticket = Awkward(tenant, i, random);
            created[ticket.Id] = ticket;
            await store.CreateTicketAsync(ticket, default);
        }
        // A replaced ticket is listed from its new revision.
        var replaced = created.Values.First() with { Summary = "Replaced <b>é</b>", Etag = Guid.NewGuid().ToString(), Version = 2 };
        await store.ReplaceTicketAsync(replaced, created[replaced.Id].Etag, default);
        created[replaced.Id] = replaced;

        var pages = 0;
        foreach (var includeData in new[] { true, false })
        foreach (var pageSize in new[] { 1, 25, 100 })
        {
            string? position = null;
            do
            {
                var page = await store.ListTicketsAsync(new TicketListQuery(tenant, [], TicketSort.CreatedAt, true, pageSize, position) { IncludeData = includeData }, default);
                Assert.NotNull(page.StoredJson);
                var typeInfo = includeData ? TicketListJson.WithData : TicketListJson.WithoutData;
                var token = Tokens[pages++ % Tokens.Length];
                var written = Written(page, includeData, token);
                // Against the tickets parsed from the store (what the API wrote before), against the tickets as created,
                // and against the writer's own other path: the same page without its stored JSON (as the Cosmos DB store gives it).
                Assert.Equal(Encoding.UTF8.GetString(Serialized(new TicketListResponse(page.Tickets, token), typeInfo)), Encoding.UTF8.GetString(written));
                Assert.Equal(Serialized(new TicketListResponse([.. page.Tickets.Select(t => created[t.Id])], token), typeInfo), written);
                Assert.Equal(written, Written(page with { StoredJson = null }, includeData, token));
                position = page.NextPosition;
            } while (position is not null);
        }
        Assert.True(pages > 300 + 12 + 3);
    }

    [Fact]
    public void Data_is_cut_with_one_comma_wherever_it_is_in_the_object()
    {
        foreach (var (json, without) in new[]
        {
            ("""{"id":"1","data":{"a":[1,{"b":"}"}]},"x":2}""", """{"id":"1","x":2}"""),
            ("""{"data":{},"x":2}""", """{"x":2}"""),
            ("""{"id":"1","data":{"a":"data"}}""", """{"id":"1"}"""),
        })
        {
            var listed = ListedTicketJson.Of(Encoding.UTF8.GetBytes(json));
            var buffer = new ArrayBufferWriter<byte>();
            listed.WriteTo(buffer, includeData: false);
            Assert.Equal(without, Encoding.UTF8.GetString(buffer.WrittenSpan));
            buffer.ResetWrittenCount();
            listed.WriteTo(buffer, includeData: true);
            Assert.Equal(json, Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }

    [Fact]
    public async Task A_page_with_an_sla_clock_is_not_copied_from_stored_json_but_parsed_so_it_can_be_rendered_at_read_time()
    {
        var store = TestDataFolders.NewStore();
        var tenant = Guid.NewGuid().ToString();
        await store.CreateTicketAsync(TicketListApi.NewTicket(tenant, "CTC-0001", "james", "16910"), default);
        var clockless = await store.ListTicketsAsync(new TicketListQuery(tenant, [], TicketSort.CreatedAt, true, 25), default);
        Assert.NotNull(clockless.StoredJson);
        Assert.False(clockless.StoredJson[0].HasClocks);

        await store.CreateTicketAsync(TicketListApi.NewTicket(tenant, "CTC-0002", "james", "16910", createdAt: "2025-07-11T00:00:00.000Z") with
        {
            Slas = [new TicketSla { Name = "Resolution", TargetAt = "2025-07-12T00:00:00.000Z" }],
        }, default);
        var clocked = await store.ListTicketsAsync(new TicketListQuery(tenant, [], TicketSort.CreatedAt, true, 25), default);

        Assert.Null(clocked.StoredJson);
        Assert.Equal(["CTC-0002", "CTC-0001"], clocked.Tickets.Select(t => t.ObjectId));
        Assert.Single(clocked.Tickets[0].Slas);
    }

    /// <summary>
    /// The fast path stays between the embedded store, which fills <see cref="TicketPage.StoredJson"/>, and the listing's
    /// writer, which reads it (and the page, which passes it on): the service and the function see one page type and
    /// never branch on it. Read from the compiled code, lambdas and async state machines included.
    /// </summary>
    [Fact]
    public void Only_the_embedded_store_and_the_listing_writer_know_the_stored_json_page()
    {
        var storedJson = typeof(TicketPage).GetProperty(nameof(TicketPage.StoredJson))!;
        MemberInfo[] fastPath = [storedJson.GetMethod!, storedJson.SetMethod!, typeof(ListedTicketJson), .. typeof(ListedTicketJson).GetMethods(),
            typeof(TicketListJson).GetMethod(nameof(TicketListJson.WritePage))!];
        var knowers = MethodBodies.All(MethodBodies.Product)
            .Where(m => MethodBodies.MembersUsedBy(m).Any(fastPath.Contains))
            .Select(m => MethodBodies.OwnerOf(m.DeclaringType!))
            .Distinct()
            .OrderBy(t => t.FullName)
            .ToList();

        Assert.Equal([typeof(TicketListJson), typeof(EmbeddedTicketStore), typeof(TicketPage)], knowers);
        // The function hands the service's result to the writer whole.
        Assert.DoesNotContain(typeof(TicketListFunction), knowers);
        Assert.DoesNotContain(typeof(TicketListService), knowers);
    }
}
