using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

/// <summary>PATCH /api/v2/ticketing/ticket/update/{objectId}: success, partial updates, validation, etags, order of checks.</summary>
public sealed class TicketLifecycleUpdateOnEmbeddedStore() : TicketLifecycleUpdateTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class TicketLifecycleUpdateOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : TicketLifecycleUpdateTests(new CosmosHosts(emulator));

public abstract partial class TicketLifecycleUpdateTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoMillis();

    internal const string IncidentPath = "/api/v2/ticketing/ticket/create/james/16911?type=agent&module=ticketing";
    internal const string IncidentBody = """
        {"source":"api","summary":"Outage","ticketBody":{"offerId":"23630","93aabbc9-fd45-407d-8569-b140bf9cc6a7":7,
         "5b53c791-e047-40e8-9e88-bae13f153cc3":"2025-07-10T12:34:56.789Z","c0a8d5e2-4f0b-4a53-9d55-2b7c61a0e9f1":"ops@example.com",
         "e2b7f0c4-8d1a-4b6e-a3c9-5f2d7e1b9a08":["vpn"],"9f3c1b7a-2e5d-4a8f-9c6b-0d4e8a2f7c15":"first notes"},
         "attachments":{},"ticketRelation":null}
        """;
    private const string EmailField = "c0a8d5e2-4f0b-4a53-9d55-2b7c61a0e9f1";
    private const string SystemsField = "e2b7f0c4-8d1a-4b6e-a3c9-5f2d7e1b9a08";
    private const string NotesField = "9f3c1b7a-2e5d-4a8f-9c6b-0d4e8a2f7c15";

    private async Task<(string ObjectId, string Etag, JsonElement Ticket)> CreateAsync(string body = Bodies.ContractExample, string path = TestApi.CreatePath)
    {
        var ticket = await Api.CreateTicketAsync(body, path: path);
        return (ticket.GetProperty("object_id").GetString()!, ticket.GetProperty("etag").GetString()!, ticket);
    }

    private async Task<JsonElement> ReadAsync(string objectId) =>
        (await (await Api.GetTicketAsync(objectId, Api.Token(roles: "tenant_admin"))).JsonAsync()).GetProperty("ticket");

    // --- success ---

    [Fact]
    public async Task An_update_answers_the_contract_shape_with_a_new_etag_version_timestamp_and_updater()
    {
        var (objectId, etag, created) = await CreateAsync();
        var editor = Api.Token(username: "agent.smith", email: "smith@example.com");

        var response = await Api.PatchAsync(objectId, Patch(etag, """
            "summary":"Hardware request - new laptop (urgent)",
            "ticketBody":{"711ea9e6-1b73-4070-9eb2-941803f7f5d4":">1month"}
            """), editor);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal(["success", "message", "status", "objectId", "ticket"], json.EnumerateObject().Select(p => p.Name));
        Assert.True(json.GetProperty("success").GetBoolean());
        Assert.Equal("ticket updated successfully", json.GetProperty("message").GetString());
        Assert.Equal(200, json.GetProperty("status").GetInt32());
        Assert.Equal(objectId, json.GetProperty("objectId").GetString());

        var ticket = json.GetProperty("ticket");
        var newEtag = ticket.GetProperty("etag").GetString()!;
        Assert.True(Guid.TryParse(newEtag, out _));
        Assert.NotEqual(etag, newEtag);
        Assert.Equal($"\"{newEtag}\"", response.ETagHeader());
        Assert.Equal(2, ticket.GetProperty("version").GetInt32());
        Assert.Equal("Hardware request - new laptop (urgent)", ticket.GetProperty("summary").GetString());
        Assert.Matches(IsoMillis(), ticket.GetProperty("updated_at").GetString());
        Assert.True(string.CompareOrdinal(ticket.GetProperty("updated_at").GetString(), created.GetProperty("updated_at").GetString()) >= 0);
        Assert.Equal(created.GetProperty("created_at").GetString(), ticket.GetProperty("created_at").GetString());
        Assert.Equal(created.GetProperty("id").GetString(), ticket.GetProperty("id").GetString());
        Assert.Equal(created.GetProperty("id_serial").GetInt64(), ticket.GetProperty("id_serial").GetInt64());

        var data = ticket.GetProperty("data");
        Assert.Equal(">1month", data.GetProperty(Bodies.NeededWithinField).GetString());
        // Partial: what was not sent is as it was.
        Assert.Equal("Need a replacement laptop", data.GetProperty(Bodies.TitleField).GetString());
        Assert.Equal("<p>Current laptop battery no longer holds charge.</p>", data.GetProperty(Bodies.DescriptionField).GetString());
        Assert.Equal("23629", data.GetProperty("offerId").GetString());
        Assert.Equal("user@example.com", data.GetProperty("submittedBy").GetString());
        var lastUpdatedBy = data.GetProperty("lastUpdatedBy");
        Assert.Equal("agent.smith", lastUpdatedBy.GetProperty("username").GetString());
        Assert.Equal("Jane", lastUpdatedBy.GetProperty("firstName").GetString());
        Assert.Equal("Doe", lastUpdatedBy.GetProperty("lastName").GetString());
        Assert.False(ticket.TryGetProperty("change_history", out _));

        // What the update answered is what a read now answers.
        Assert.Equal(ticket.GetRawText(), (await ReadAsync(objectId)).GetRawText());
    }

    [Fact]
    public async Task The_new_etag_is_the_one_the_next_update_needs()
    {
        var (objectId, etag, _) = await CreateAsync();
        var first = await (await Api.PatchAsync(objectId, Patch(etag, "\"summary\":\"one\""))).JsonAsync();
        var etag2 = first.GetProperty("ticket").GetProperty("etag").GetString()!;

        var second = await Api.PatchAsync(objectId, Patch(etag2, "\"summary\":\"two\""));
        var replay = await Api.PatchAsync(objectId, Patch(etag, "\"summary\":\"three\""));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(3, (await second.JsonAsync()).GetProperty("ticket").GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.PreconditionFailed, replay.StatusCode);
        Assert.Equal("two", (await ReadAsync(objectId)).GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Only_the_keys_sent_change_and_null_clears_an_optional_field()
    {
        var (objectId, etag, _) = await CreateAsync(IncidentBody, IncidentPath);

        var response = await Api.PatchAsync(objectId, Patch(etag, $$"""
            "ticketBody":{"{{Bodies.UpdatedAtField}}":null,"{{NotesField}}":null,"{{SystemsField}}":["vpn","email"]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.JsonAsync()).GetProperty("ticket").GetProperty("data");
        Assert.False(data.TryGetProperty(Bodies.UpdatedAtField, out _));
        Assert.False(data.TryGetProperty(NotesField, out _));
        Assert.Equal(["vpn", "email"], data.GetProperty(SystemsField).EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(7, data.GetProperty(Bodies.NumberField).GetInt32());
        Assert.Equal("ops@example.com", data.GetProperty(EmailField).GetString());
        Assert.Equal("Outage", (await ReadAsync(objectId)).GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Sending_the_current_offer_id_back_is_allowed()
    {
        var (objectId, etag, _) = await CreateAsync();

        var response = await Api.PatchAsync(objectId, Patch(etag, "\"summary\":\"same offer\",\"ticketBody\":{\"offerId\":\"23629\"}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("23629", (await response.JsonAsync()).GetProperty("ticket").GetProperty("data").GetProperty("offerId").GetString());
    }

    [Fact]
    public async Task An_update_that_changes_nothing_writes_nothing_and_keeps_the_etag()
    {
        var (objectId, etag, created) = await CreateAsync();

        var response = await Api.PatchAsync(objectId, Patch(etag, $$"""
            "summary":"Hardware request - new laptop","ticketBody":{"{{Bodies.NeededWithinField}}":"<2week"}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ticket = (await response.JsonAsync()).GetProperty("ticket");
        Assert.Equal(etag, ticket.GetProperty("etag").GetString());
        Assert.Equal($"\"{etag}\"", response.ETagHeader());
        Assert.Equal(1, ticket.GetProperty("version").GetInt32());
        Assert.Equal(created.GetRawText(), (await ReadAsync(objectId)).GetRawText());
    }

    // --- etags: body, If-Match, missing, stale ---

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_etag_may_come_in_if_match_quoted_or_not(bool quoted)
    {
        var (objectId, etag, _) = await CreateAsync();

        var response = await Api.PatchAsync(objectId, """{"summary":"via If-Match"}""", ifMatch: quoted ? $"\"{etag}\"" : etag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("via If-Match", (await ReadAsync(objectId)).GetProperty("summary").GetString());
    }

    [Fact]
    public async Task The_etag_header_of_a_read_works_as_if_match()
    {
        var (objectId, _, _) = await CreateAsync();
        var read = await Api.GetTicketAsync(objectId);

        var response = await Api.PatchAsync(objectId, """{"summary":"from the ETag header"}""", ifMatch: read.ETagHeader());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_same_etag_in_body_and_if_match_is_accepted()
    {
        var (objectId, etag, _) = await CreateAsync();
        var response = await Api.PatchAsync(objectId, Patch(etag, "\"summary\":\"both\""), ifMatch: $"\"{etag}\"");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Different_etags_in_body_and_if_match_are_a_400_and_change_nothing()
    {
        var (objectId, etag, created) = await CreateAsync();

        var response = await Api.PatchAsync(objectId, Patch(etag, "\"summary\":\"ambiguous\""), ifMatch: $"\"{Guid.NewGuid()}\"");

        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE", "There occured an error during ticket data validation");
        Assert.Equal(["The etag in the body differs from the If-Match header"], (await response.JsonAsync()).Reasons("etag"));
        Assert.Equal(created.GetRawText(), (await ReadAsync(objectId)).GetRawText());
    }

    [Theory]
    [InlineData("*", "Header If-Match must name the ticket's etag; * is not accepted")]
    [InlineData("W/\"abc\"", "Header If-Match must be a strong etag; a weak one (W/) never matches")]
    [InlineData("\"a\", \"b\"", "Header If-Match must name exactly one etag")]
    [InlineData("\"abc", "Header If-Match is not a well-formed etag")]
    [InlineData("\"\"", "Header If-Match must not be empty")]
    public async Task A_malformed_if_match_is_a_400_keyed_by_the_header(string ifMatch, string message)
    {
        var (objectId, _, _) = await CreateAsync();

        var response = await Api.PatchAsync(objectId, """{"summary":"x"}""", ifMatch: ifMatch);

        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        Assert.Equal([message], (await response.JsonAsync()).Reasons("If-Match"));
    }

    [Fact]
    public async Task No_etag_at_all_gets_428_etag_required()
    {
        var (objectId, _, created) = await CreateAsync();

        var response = await Api.PatchAsync(objectId, """{"summary":"no etag","etag":null}""");

        await AssertError(response, HttpStatusCode.PreconditionRequired, "ETAG_REQUIRED",
            "An update needs the ticket's current etag, in the body's etag or in an If-Match header");
        Assert.Equal(created.GetRawText(), (await ReadAsync(objectId)).GetRawText());
    }

    [Fact]
    public async Task A_stale_etag_gets_412_etag_mismatch_and_nothing_changes()
    {
        var (objectId, etag, _) = await CreateAsync();
        var winner = await (await Api.PatchAsync(objectId, Patch(etag, "\"summary\":\"winner\""))).JsonAsync();
        var before = await ReadAsync(objectId);

        var stale = await Api.PatchAsync(objectId, Patch(etag, "\"summary\":\"loser\",\"ticketBody\":{\"711ea9e6-1b73-4070-9eb2-941803f7f5d4\":\">1month\"}"));

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(
            """{"error":true,"code":"ETAG_MISMATCH","message":"The ticket was changed since this etag was read; read the ticket again and retry with its current etag","status":412}""",
            await stale.Content.ReadAsStringAsync());
        Assert.Null(stale.Headers.ETag);
        var after = await ReadAsync(objectId);
        Assert.Equal(before.GetRawText(), after.GetRawText());
        Assert.Equal(winner.GetProperty("ticket").GetProperty("etag").GetString(), after.GetProperty("etag").GetString());
    }

    [Fact]
    public async Task An_etag_that_was_never_the_tickets_gets_412()
    {
        var (objectId, _, _) = await CreateAsync();
        var response = await Api.PatchAsync(objectId, """{"summary":"x"}""", ifMatch: Guid.NewGuid().ToString());
        await AssertError(response, HttpStatusCode.PreconditionFailed, "ETAG_MISMATCH");
    }

    // --- validation: create's rules and messages ---

    [Fact]
    public async Task Field_values_are_checked_with_creates_rules_and_messages_all_at_once()
    {
        var (objectId, etag, created) = await CreateAsync(IncidentBody, IncidentPath);

        var response = await Api.PatchAsync(objectId, Patch(etag, $$"""
            "summary":"{{new string('s', 256)}}",
            "ticketBody":{"{{Bodies.UpdatedAtField}}":"","{{Bodies.NumberField}}":-1,"{{EmailField}}":"not-an-email","{{SystemsField}}":["fax"]}
            """));

        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE", "There occured an error during ticket data validation");
        var json = await response.JsonAsync();
        Assert.False(json.GetProperty("validationResult").GetProperty("result").GetBoolean());
        Assert.Equal(["Field summary must be at most 255 characters long"], json.Reasons("summary"));
        Assert.Equal(["You have entered an invalid date value for Updated At, expects a proper date string"], json.Reasons(Bodies.UpdatedAtField));
        Assert.Equal(["Field Number must be at least 0"], json.Reasons(Bodies.NumberField));
        Assert.Equal(["You have entered an invalid email address for Reporter Email"], json.Reasons(EmailField));
        Assert.Equal(["You have selected an invalid option for Affected Systems, expects a list of: email, vpn, printer, laptop"], json.Reasons(SystemsField));
        Assert.Equal(created.GetRawText(), (await ReadAsync(objectId)).GetRawText());
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    public async Task A_required_field_cannot_be_cleared(string value)
    {
        var (objectId, etag, _) = await CreateAsync();

        var response = await Api.PatchAsync(objectId, Patch(etag, $$"""
            "ticketBody":{"{{Bodies.TitleField}}":{{value}}}
            """));

        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        Assert.Equal(["Field Title is required"], (await response.JsonAsync()).Reasons(Bodies.TitleField));
    }

    [Theory]
    [InlineData("null", "Field summary is required")]
    [InlineData("\"\"", "Field summary is required")]
    [InlineData("42", "Field summary must be a string")]
    public async Task The_summary_cannot_be_cleared_or_retyped(string value, string message)
    {
        var (objectId, etag, _) = await CreateAsync();
        var response = await Api.PatchAsync(objectId, Patch(etag, $"\"summary\":{value}"));
        Assert.Equal([message], (await response.JsonAsync()).Reasons("summary"));
    }

    [Theory]
    [InlineData("\"23630\"")]
    [InlineData("\"99999\"")]
    [InlineData("null")]
    [InlineData("23629")]
    public async Task The_offer_id_cannot_change(string value)
    {
        var (objectId, etag, _) = await CreateAsync();

        var response = await Api.PatchAsync(objectId, Patch(etag, $$"""
            "ticketBody":{"offerId":{{value}}}
            """));

        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        var json = await response.JsonAsync();
        Assert.Equal(["offerId"], json.ReasonKeys());
        Assert.Equal(["Field offerId can't be changed"], json.Reasons("offerId"));
    }

    [Fact]
    public async Task Unknown_keys_are_refused_by_key_at_both_levels()
    {
        var (objectId, etag, _) = await CreateAsync();

        var response = await Api.PatchAsync(objectId, Patch(etag, """
            "source":"web","status_type":"Closed",
            "ticketBody":{"00000000-0000-0000-0000-000000000000":"x","submittedBy":"mallory@example.com"}
            """));

        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        var json = await response.JsonAsync();
        Assert.Equal(["Field source can't be updated; an update takes etag, summary, ticketBody, attachments, ticketRelation, status_type and assignee"], json.Reasons("source"));
        // Open → Closed is no transition of the default workflow; the requester (a ticket_user) may only cancel from Open.
        Assert.Equal(["Ticket can't move from Open to Closed; with your roles it can move to: Cancelled"], json.Reasons("status_type"));
        Assert.Equal(["Field 00000000-0000-0000-0000-000000000000 is not defined for ticket type Hardware Request"], json.Reasons("00000000-0000-0000-0000-000000000000"));
        Assert.Equal(["Field submittedBy is not defined for ticket type Hardware Request"], json.Reasons("submittedBy"));
    }

    [Fact]
    public async Task Duplicate_keys_are_refused_by_key_never_500()
    {
        var (objectId, etag, _) = await CreateAsync(IncidentBody, IncidentPath);

        var response = await Api.PatchAsync(objectId, $$"""
            {"etag":"{{etag}}","summary":"a","summary":"b",
             "ticketBody":{"{{Bodies.NumberField}}":1,"{{Bodies.NumberField.ToUpperInvariant()}}":2,"offerId":"23630","offerId":"23630",
                           "{{SystemsField}}":[{"k":1,"k":2}] } }
            """);

        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        var json = await response.JsonAsync();
        Assert.Equal(["Field summary is given more than once"], json.Reasons("summary"));
        Assert.Equal(["Field Number is given more than once"], json.Reasons(Bodies.NumberField));
        Assert.Equal(["Field offerId is given more than once"], json.Reasons("offerId"));
        Assert.Equal(["Field Affected Systems repeats a key"], json.Reasons(SystemsField));
    }

    [Fact]
    public async Task A_repeated_etag_key_is_refused()
    {
        var (objectId, etag, _) = await CreateAsync();
        var response = await Api.PatchAsync(objectId, $$"""{"etag":"{{etag}}","etag":"{{etag}}","summary":"x"}""");
        Assert.Equal(["Field etag is given more than once"], (await response.JsonAsync()).Reasons("etag"));
    }

    [Theory]
    [InlineData("{", "Request body is not valid JSON")]
    [InlineData("", "Request body is not valid JSON")]
    [InlineData("[1]", "Request body must be a JSON object")]
    [InlineData("null", "Request body must be a JSON object")]
    [InlineData("""{"ticketBody":[]}""", "Field ticketBody must be an object")]
    [InlineData("""{"ticketBody":null}""", "Field ticketBody must be an object")]
    public async Task Malformed_bodies_get_400_never_500(string body, string message)
    {
        var (objectId, etag, _) = await CreateAsync();

        var response = await Api.PatchAsync(objectId, body, ifMatch: etag);

        await AssertError(response, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        Assert.Equal([message], (await response.JsonAsync()).Reasons("body"));
    }

    [Theory]
    [InlineData(42, "Field etag must be a string")]
    [InlineData("", "Field etag must not be empty")]
    public async Task A_malformed_body_etag_is_a_400(object etag, string message)
    {
        var (objectId, _, _) = await CreateAsync();
        var response = await Api.PatchAsync(objectId, $$"""{"etag":{{JsonSerializer.Serialize(etag)}},"summary":"x"}""");
        Assert.Equal([message], (await response.JsonAsync()).Reasons("etag"));
    }

    // --- create's input limits and rich-text cleaning apply to updates too ---

    [Fact]
    public async Task An_update_body_over_one_mebibyte_gets_413_and_changes_nothing()
    {
        var (objectId, etag, created) = await CreateAsync();

        var response = await Api.PatchAsync(objectId, Patch(etag, $"\"summary\":\"{new string('x', 1024 * 1024)}\""));

        await AssertError(response, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "The request body is larger than 1048576 bytes");
        Assert.Equal(created.GetRawText(), (await ReadAsync(objectId)).GetRawText());
    }

    [Fact]
    public async Task Too_deep_bodies_and_too_many_ticket_body_keys_are_400()
    {
        var (objectId, etag, _) = await CreateAsync();
        var keys = string.Join(",", Enumerable.Range(0, 201).Select(_ => $"\"{Guid.NewGuid()}\":\"x\""));

        var deep = await Api.PatchAsync(objectId, Patch(etag, $"\"ticketBody\":{{\"{Bodies.DescriptionField}\":{new string('[', 40)}{new string(']', 40)}}}"));
        var wide = await Api.PatchAsync(objectId, Patch(etag, $"\"ticketBody\":{{{keys}}}"));

        Assert.Equal(["Request body is nested deeper than 32 levels"], (await deep.JsonAsync()).Reasons("body"));
        Assert.Equal(["Field ticketBody has more than 200 keys"], (await wide.JsonAsync()).Reasons("body"));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_reported_with_a_malformed_if_match_at_once()
    {
        var (objectId, _, _) = await CreateAsync();

        var response = await Api.PatchAsync(objectId, "{", ifMatch: "*");

        var json = await response.JsonAsync();
        Assert.Equal(["If-Match", "body"], json.ReasonKeys());
        Assert.Equal(["Request body is not valid JSON"], json.Reasons("body"));
    }

    [Fact]
    public async Task Rich_text_is_cleaned_on_update_as_on_create_and_plain_text_stays_verbatim()
    {
        var (objectId, etag, _) = await CreateAsync();

        var ticketBody = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            [Bodies.DescriptionField] = "<p onclick=\"steal()\">Hi</p><script>x()</script>",
            [Bodies.TitleField] = "<script>shown as text</script>",
        });
        var response = await Api.PatchAsync(objectId, Patch(etag, $"\"ticketBody\":{ticketBody}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.JsonAsync()).GetProperty("ticket").GetProperty("data");
        Assert.Equal("<p>Hi</p>", data.GetProperty(Bodies.DescriptionField).GetString());
        Assert.Equal("<script>shown as text</script>", data.GetProperty(Bodies.TitleField).GetString());
        var history = (await (await Api.GetHistoryAsync(objectId)).JsonAsync()).GetProperty("history");
        Assert.Equal("\"<p>Hi</p>\"", history[1].GetProperty("changes").GetProperty(Bodies.DescriptionField).GetProperty("new").GetRawText());
    }

    // --- the order of checks ---

    [Fact]
    public async Task An_invalid_body_is_reported_before_a_missing_or_stale_etag()
    {
        var (objectId, _, _) = await CreateAsync();

        var missing = await Api.PatchAsync(objectId, """{"summary":""}""");
        var stale = await Api.PatchAsync(objectId, """{"summary":""}""", ifMatch: Guid.NewGuid().ToString());

        await AssertError(missing, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
        await AssertError(stale, HttpStatusCode.BadRequest, "INPUT_VALIDATION_FAILURE");
    }

    [Fact]
    public async Task No_token_gets_401_before_anything_else()
    {
        var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Patch, UpdatePath("CTC-9999"), token: null, body: "{", tenantHeader: "bad"));
        await AssertError(response, HttpStatusCode.Unauthorized, "AUTHENTICATION_FAILURE");
    }

    [Fact]
    public async Task Headers_then_tenant_are_checked_before_permissions()
    {
        var badHeader = await Api.PatchAsync("CTC-9999", "{", Api.Token(scope: "tickets:read"), realmHeader: null);
        var otherTenant = await Api.PatchAsync("CTC-9999", "{", Api.Token(scope: "tickets:read"), tenantHeader: TestApi.OtherTenant);

        Assert.Equal(["Header realmname is required"], (await badHeader.JsonAsync()).Reasons("realmname"));
        await AssertError(otherTenant, HttpStatusCode.NotFound, "TENANT_NOT_FOUND", "Tenant not found");
    }

    [Theory]
    [InlineData("ticket_user", "tickets:read")]                       // a write role without the write scope
    [InlineData("uma_authorization,offline_access", "tickets:write")] // a service account: the scope without a write role
    public async Task Update_needs_the_write_scope_and_a_write_role_before_the_ticket_lookup(string roles, string scope)
    {
        var response = await Api.PatchAsync("CTC-9999", "{", Api.Token(roles: roles, scope: scope));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            """{"error":true,"code":"USER_PERMISSION_FAILURE","message":"You do not have the required permissions to update ticket","status":401}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_ticket_is_404_before_team_access_and_body()
    {
        var response = await Api.PatchAsync("CTC-9999", "{", Api.Token(teams: ""));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(TicketNotFoundBody, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Team_and_type_access_apply_to_the_tickets_team_and_type_before_the_body()
    {
        var (objectId, etag, created) = await CreateAsync();
        var payment = await Api.CreateTicketAsync(TicketLifecycleReadTests.PaymentBody, Api.Token(roles: "tenant_admin", teams: ""), TicketLifecycleReadTests.PaymentPath);

        var otherTeam = await Api.PatchAsync(objectId, "{", Api.Token(teams: "facilities"));
        var typeNotAllowed = await Api.PatchAsync(payment.GetProperty("object_id").GetString()!, "{", Api.Token(roles: "ticket_user", teams: "facilities"));
        var admin = await Api.PatchAsync(objectId, Patch(etag, "\"summary\":\"by the admin\""), Api.Token(roles: "tenant_admin", teams: ""));

        Assert.Equal(HttpStatusCode.Forbidden, otherTeam.StatusCode);
        Assert.Contains("team james", await otherTeam.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, typeNotAllowed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(created.GetProperty("lookup_props").GetRawText(), (await admin.JsonAsync()).GetProperty("ticket").GetProperty("lookup_props").GetRawText());
    }

    [Fact]
    public async Task Other_methods_on_the_update_route_are_not_allowed()
    {
        var response = await Api.Client.SendAsync(Api.Request(HttpMethod.Put, UpdatePath("CTC-0001"), Api.Token(), "{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
