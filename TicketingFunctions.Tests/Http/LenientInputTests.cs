using System.Net;
using System.Text.Json.Nodes;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

public sealed class LenientInputOnEmbeddedStore() : LenientInputTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class LenientInputOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : LenientInputTests(new CosmosHosts(emulator));

/// <summary>Inputs that were stored although the contract or the OpenAPI document refuses them: each is a 400 keyed by its member.</summary>
public abstract class LenientInputTests(IApiHosts hosts) : IAsyncLifetime
{
    private const string IncidentPath = "/api/v2/ticketing/ticket/create/james/16911?type=template&module=ticketing";
    private const string EmailField = "c0a8d5e2-4f0b-4a53-9d55-2b7c61a0e9f1";
    private const string SystemsField = "e2b7f0c4-8d1a-4b6e-a3c9-5f2d7e1b9a08";

    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    private static string Incident(string field, string valueJson) =>
        $$"""{"source":"api","summary":"Outage","ticketBody":{"offerId":"23630","{{Bodies.NumberField}}":7,"{{field}}":{{valueJson}}},"attachments":{},"ticketRelation":null}""";

    private async Task<string[]> Refusal(HttpResponseMessage response, string key)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("INPUT_VALIDATION_FAILURE", json.GetProperty("code").GetString());
        Assert.Equal([key], json.ReasonKeys());
        return json.Reasons(key);
    }

    [Theory]
    [InlineData("attachments", """{"size":1e999999999}""")]
    [InlineData("attachments", """{"files":[{"bytes":-1e400}]}""")]
    [InlineData("ticketRelation", """{"parent":{"weight":1e309}}""")]
    public async Task Numbers_outside_the_range_of_a_double_are_refused_in_attachments_and_ticket_relation(string member, string valueJson)
    {
        var body = Bodies.Example(b => b[member] = JsonNode.Parse("{}"));
        body = body.Replace($"\"{member}\":{{}}", $"\"{member}\":{valueJson}");

        Assert.Equal([$"Field {member} holds a number outside the range of a double"], await Refusal(await Api.CreateAsync(body), member));
        Assert.Equal(HttpStatusCode.OK, (await Api.CreateAsync(body.Replace("1e999999999", "1e300").Replace("-1e400", "-1e300").Replace("1e309", "1e308"))).StatusCode);
    }

    [Fact]
    public async Task A_summary_of_255_emoji_is_accepted_and_256_are_refused()
    {
        var accepted = await Api.CreateAsync(Bodies.Example(b => b["summary"] = string.Concat(Enumerable.Repeat("😀", 255))));
        var refused = await Api.CreateAsync(Bodies.Example(b => b["summary"] = string.Concat(Enumerable.Repeat("😀", 256))));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(255, System.Globalization.StringInfo.ParseCombiningCharacters(
            (await accepted.JsonAsync()).GetProperty("ticket").GetProperty("summary").GetString()!).Length);
        Assert.Equal(["Field summary must be at most 255 characters long"], await Refusal(refused, "summary"));
    }

    [Fact]
    public async Task A_text_field_max_length_counts_code_points_on_create_and_update()
    {
        var accepted = await Api.CreateAsync(Bodies.Example(b => b.TicketBody()[Bodies.TitleField] = string.Concat(Enumerable.Repeat("𝄞", 200))));
        var refused = await Api.CreateAsync(Bodies.Example(b => b.TicketBody()[Bodies.TitleField] = string.Concat(Enumerable.Repeat("𝄞", 201))));
        var ticket = (await accepted.JsonAsync()).GetProperty("ticket");
        var update = await Api.PatchAsync(ticket.GetProperty("object_id").GetString()!,
            Patch(ticket.GetProperty("etag").GetString(), $$"""  "summary":"{{string.Concat(Enumerable.Repeat("😀", 256))}}" """));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(["Field Title must be at most 200 characters long"], await Refusal(refused, Bodies.TitleField));
        Assert.Equal(["Field summary must be at most 255 characters long"], await Refusal(update, "summary"));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("\"not-an-address\"")]
    public async Task An_empty_or_malformed_email_is_refused(string valueJson) =>
        Assert.Equal(["You have entered an invalid email address for Reporter Email"],
            await Refusal(await Api.CreateAsync(Incident(EmailField, valueJson), path: IncidentPath), EmailField));

    [Fact]
    public async Task An_email_is_at_most_254_characters_with_a_local_part_of_at_most_64()
    {
        var longestLocal = new string('a', 64) + "@example.com";
        var longestWhole = new string('a', 64) + "@" + new string('b', 63) + "." + new string('c', 63) + "." + new string('d', 57) + ".com";
        Assert.Equal(254, longestWhole.Length);

        Assert.Equal(HttpStatusCode.OK, (await Api.CreateAsync(Incident(EmailField, $"\"{longestLocal}\""), path: IncidentPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.CreateAsync(Incident(EmailField, $"\"{longestWhole}\""), path: IncidentPath)).StatusCode);
        foreach (var address in new[] { new string('a', 65) + "@example.com", new string('a', 300) + "@example.com", "a" + longestWhole })
            Assert.Equal(["You have entered an invalid email address for Reporter Email"],
                await Refusal(await Api.CreateAsync(Incident(EmailField, $"\"{address}\""), path: IncidentPath), EmailField));
    }

    [Fact]
    public async Task A_multiselect_option_chosen_twice_is_refused()
    {
        Assert.Equal(["Field Affected Systems selects an option more than once"],
            await Refusal(await Api.CreateAsync(Incident(SystemsField, """["vpn","email","vpn"]"""), path: IncidentPath), SystemsField));
        Assert.Equal(HttpStatusCode.OK, (await Api.CreateAsync(Incident(SystemsField, """["vpn","email"]"""), path: IncidentPath)).StatusCode);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("dot.ted")]
    [InlineData("ümlaut")]
    [InlineData("<script>")]
    public async Task The_module_is_letters_digits_underscore_and_dash(string module)
    {
        var response = await Api.CreateAsync(Bodies.ContractExample, path: $"/api/v2/ticketing/ticket/create/james/16910?type=template&module={Uri.EscapeDataString(module)}");
        Assert.Equal(["Query parameter module must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -"], await Refusal(response, "module"));
    }

    [Fact]
    public async Task The_module_is_at_most_64_characters()
    {
        var ok = await Api.CreateAsync(Bodies.ContractExample, path: $"/api/v2/ticketing/ticket/create/james/16910?type=template&module={new string('m', 62)}_-");
        var tooLong = await Api.CreateAsync(Bodies.ContractExample, path: $"/api/v2/ticketing/ticket/create/james/16910?type=template&module={new string('m', 65)}");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(["Query parameter module must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -"], await Refusal(tooLong, "module"));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; version=2")]
    [InlineData(null)]
    public async Task A_body_not_declared_as_json_is_refused_with_415_on_create_and_update(string? contentType)
    {
        var created = await Api.CreateTicketAsync();
        HttpContent Content(string body)
        {
            var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
            if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            return content;
        }
        var create = Api.Request(HttpMethod.Post, TestApi.CreatePath, Api.Token());
        create.Content = Content(Bodies.ContractExample);
        var update = Api.Request(HttpMethod.Patch, UpdatePath(created.GetProperty("object_id").GetString()!), Api.Token());
        update.Content = Content(Patch(created.GetProperty("etag").GetString(), "\"summary\":\"x\""));

        foreach (var response in new[] { await Api.Client.SendAsync(create), await Api.Client.SendAsync(update) })
            await AssertError(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                "The request body must be sent as Content-Type: application/json (optionally with charset=utf-8)");
        Assert.Equal("Hardware request - new laptop", (await (await Api.GetTicketAsync("CTC-0001")).JsonAsync()).GetProperty("ticket").GetProperty("summary").GetString());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("Application/JSON; Charset=\"UTF-8\"")]
    public async Task Json_with_or_without_a_utf8_charset_is_accepted(string contentType)
    {
        var create = Api.Request(HttpMethod.Post, TestApi.CreatePath, Api.Token());
        create.Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(Bodies.ContractExample));
        create.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        Assert.Equal(HttpStatusCode.OK, (await Api.Client.SendAsync(create)).StatusCode);
    }
}
