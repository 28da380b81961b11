using System.Text.Json;
using System.Text.Json.Nodes;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tests.Storage;
using TicketingFunctions.Functions;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Tickets;

public sealed class TicketUpdateValidatorTests
{
    private const string Title = "ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53";
    private const string Description = "7f111983-1013-41be-a056-989fff018bb5";
    private const string NeededWithin = "711ea9e6-1b73-4070-9eb2-941803f7f5d4";

    private static readonly CatalogIndex Catalog =
        new(CatalogFileReader.ReadAsync(CatalogFileReader.SampleCatalogPath, default).GetAwaiter().GetResult().Tenants[0]);
    private static readonly TicketType Hardware = Catalog.FindType("16910")!;

    private static readonly Ticket Current = TicketStoreContract.NewTicket("t", "CTC-0001") with
    {
        Data = new JsonObject { ["offerId"] = "23629", [Title] = "Need a laptop", [NeededWithin] = "<2week" },
        LookupProps = new LookupProps("james", "16910"),
    };

    private static (TicketUpdate? Update, ValidationErrors Errors) Check(string body, string? ifMatch = null)
    {
        var errors = new ValidationErrors();
        var update = TicketUpdateValidator.Validate(JsonDocument.Parse(body).RootElement, HttpResults.ParseIfMatch(ifMatch).CheckInto(errors), Current, Catalog, Hardware, errors);
        Assert.Equal(update is null, errors.Count > 0);
        return (update, errors);
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("\"abc\"", "abc")]
    [InlineData("  \"abc\"  ", "abc")]
    [InlineData("f9d8ad0b-6e4f-45a8-bc14-a11362dc61bd", "f9d8ad0b-6e4f-45a8-bc14-a11362dc61bd")]
    public void If_match_may_be_quoted_or_not(string header, string etag)
    {
        var errors = new ValidationErrors();
        Assert.Equal(etag, HttpResults.ParseIfMatch(header).CheckInto(errors));
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("W/\"abc\"")]
    [InlineData("\"a\",\"b\"")]
    [InlineData("\"abc")]
    [InlineData("ab\"c")]
    [InlineData("\" \"")]
    public void Malformed_if_match_is_an_error_keyed_by_the_header(string header)
    {
        var errors = new ValidationErrors();
        Assert.Null(HttpResults.ParseIfMatch(header).CheckInto(errors));
        Assert.Equal(["If-Match"], errors.Keys);
    }

    [Fact]
    public void No_if_match_is_no_etag_and_no_error()
    {
        var errors = new ValidationErrors();
        Assert.Null(HttpResults.ParseIfMatch(null).CheckInto(errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void Only_what_is_sent_is_in_the_update()
    {
        var (update, _) = Check("""{"etag":"e1","summary":"New"}""");
        Assert.Equal(new TicketUpdate("e1", "New", []), update! with { Fields = [] });
        Assert.Empty(update!.Fields);
    }

    [Fact]
    public void The_etag_may_come_from_the_header_alone_or_from_both_when_they_agree()
    {
        Assert.Equal("e1", Check("""{"summary":"x"}""", "\"e1\"").Update!.Etag);
        Assert.Equal("e1", Check("""{"etag":"e1","summary":"x"}""", "e1").Update!.Etag);
        Assert.Null(Check("""{"summary":"x"}""").Update!.Etag);
        Assert.Null(Check("""{"etag":null,"summary":"x"}""").Update!.Etag);
    }

    [Fact]
    public void Different_etags_in_body_and_header_are_an_error()
    {
        var (_, errors) = Check("""{"etag":"e1"}""", "\"e2\"");
        Assert.Equal(["The etag in the body differs from the If-Match header"], errors["etag"]);
    }

    [Fact]
    public void Null_clears_an_optional_field_and_field_ids_take_the_catalogs_spelling()
    {
        var (update, _) = Check($$"""{"ticketBody":{"{{Description.ToUpperInvariant()}}":null,"{{NeededWithin}}":">1month"} }""");

        Assert.Equal([Description, NeededWithin], update!.Fields.Select(f => f.Key));
        Assert.Null(update.Fields[0].Value);
        Assert.Equal(">1month", (string?)update.Fields[1].Value);
    }

    [Fact]
    public void A_required_field_cannot_be_cleared()
    {
        Assert.Equal(["Field Title is required"], Check($$"""{"ticketBody":{"{{Title}}":null} }""").Errors[Title]);
    }

    [Fact]
    public void Values_get_the_field_validators_messages()
    {
        var (_, errors) = Check($$"""{"ticketBody":{"{{NeededWithin}}":"tomorrow","{{Title}}":"{{new string('t', 201)}}"} }""");
        Assert.Equal(["You have selected an invalid option for Needed Within, expects one of: <2week, 2-4week, >1month"], errors[NeededWithin]);
        Assert.Equal(["Field Title must be at most 200 characters long"], errors[Title]);
    }

    [Theory]
    [InlineData("\"23629\"", true)]
    [InlineData("\"23630\"", false)]
    [InlineData("23629", false)]
    [InlineData("null", false)]
    public void The_offer_id_may_only_be_sent_back_unchanged(string offer, bool accepted)
    {
        var (update, errors) = Check($$"""{"ticketBody":{"offerId":{{offer}} } }""");
        if (accepted) Assert.Empty(update!.Fields);
        else Assert.Equal(["Field offerId can't be changed"], errors["offerId"]);
    }

    [Fact]
    public void Every_failure_is_reported_at_once_by_key()
    {
        var (_, errors) = Check("""
            {"etag":5,"summary":"","source":"x","ticketBody":{"nope":1,"offerId":"1"},"extra":1,"extra":2}
            """, "*");

        Assert.Equal(["If-Match", "source", "extra", "etag", "summary", "nope", "offerId"], errors.Keys);
        Assert.Equal(["Field extra can't be updated; an update takes etag, summary, ticketBody, attachments, ticketRelation, status_type and assignee"], errors["extra"]);
        Assert.Equal(["Field nope is not defined for ticket type Hardware Request"], errors["nope"]);
    }

    [Fact]
    public void Duplicates_are_errors_at_every_level_never_exceptions()
    {
        var (_, errors) = Check($$"""
            {"summary":"a","summary":"b","ticketBody":{"{{Title}}":"a","{{Title}}":"b"},"ticketBody":{} }
            """);
        Assert.Equal(["Field summary is given more than once"], errors["summary"]);
        Assert.Equal(["Field ticketBody is given more than once"], errors["body"]);
        Assert.Equal(["Field Title is given more than once"], errors[Title]);
    }

    [Fact]
    public void A_value_with_a_repeated_key_inside_is_refused_by_its_field()
    {
        var (_, errors) = Check($$"""{"ticketBody":{"{{Description}}":{"a":1,"a":2} } }""");
        Assert.Equal(["Field Description repeats a key"], errors[Description]);
    }

    [Fact]
    public void An_empty_object_is_a_valid_update_that_changes_nothing()
    {
        var (update, _) = Check("{}");
        Assert.Equal(new TicketUpdate(null, null, update!.Fields), update);
        Assert.Empty(update.Fields);
    }
}
