using System.Text.Json;
using TicketingFunctions.Catalog;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Tickets;

public sealed class FieldValueValidatorTests
{
    private static (string? Value, List<string> Errors) Check(FieldDefinition field, string json)
    {
        var errors = new List<string>();
        var node = FieldValueValidator.Validate(field, JsonDocument.Parse(json).RootElement, errors);
        return (node?.ToJsonString(), errors);
    }

    private static FieldDefinition Field(string type, bool required = false, IReadOnlyList<string>? options = null, decimal? min = null, decimal? max = null, int? maxLength = null) =>
        new("f", "Thing", type, required, null, options, min, max, maxLength);

    [Theory]
    [InlineData("text", "\"\"")]
    [InlineData("text", "null")]
    [InlineData("text", "\"   \"")]
    [InlineData("multiselect", "[]")]
    [InlineData("number", "null")]
    public void Required_fields_must_be_present_and_non_empty(string type, string json)
    {
        var (_, errors) = Check(Field(type, required: true, options: ["a"]), json);
        Assert.Equal(["Field Thing is required"], errors);
    }

    [Theory]
    [InlineData("\"2025-07-10T12:34:56.789Z\"")]
    [InlineData("\"2025-07-10\"")]
    [InlineData("\"2025-07-10T12:34:56+02:00\"")]
    [InlineData("\"2025-07-10T12:34\"")]
    public void Iso_dates_are_accepted(string json) => Assert.Empty(Check(Field("date"), json).Errors);

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"07/10/2025\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("\"2025-13-40\"")]
    [InlineData("20250710")]
    public void Other_dates_are_rejected_with_the_contracts_message(string json) =>
        Assert.Equal(["You have entered an invalid date value for Thing, expects a proper date string"], Check(Field("date"), json).Errors);

    [Theory]
    [InlineData("5", true)]
    [InlineData("0", true)]
    [InlineData("10", true)]
    [InlineData("-1", false)]
    [InlineData("11", false)]
    [InlineData("\"5\"", false)]
    [InlineData("1e400", false)]
    public void Numbers_respect_min_and_max(string json, bool ok) =>
        Assert.Equal(ok, Check(Field("number", min: 0, max: 10), json).Errors.Count == 0);

    [Fact]
    public void Number_messages_name_the_bound()
    {
        Assert.Equal(["Field Thing must be at least 0"], Check(Field("number", min: 0), "-3").Errors);
        Assert.Equal(["Field Thing must be at most 10"], Check(Field("number", max: 10), "30").Errors);
        Assert.Equal(["You have entered an invalid number value for Thing, expects a number"], Check(Field("number"), "\"x\"").Errors);
    }

    [Fact]
    public void Text_respects_max_length_and_type()
    {
        Assert.Empty(Check(Field("text", maxLength: 3), "\"abc\"").Errors);
        Assert.Equal(["Field Thing must be at most 3 characters long"], Check(Field("text", maxLength: 3), "\"abcd\"").Errors);
        Assert.Equal(["You have entered an invalid value for Thing, expects a string"], Check(Field("richtext"), "{}").Errors);
        Assert.Equal("<p>hi</p>", System.Text.Json.Nodes.JsonNode.Parse(Check(Field("richtext"), "\"<p>hi</p>\"").Value!)!.GetValue<string>());
    }

    [Fact]
    public void Select_and_multiselect_take_only_options()
    {
        var select = Field("select", options: ["<2week", "2-4week"]);
        var multi = Field("multiselect", options: ["a", "b"]);
        Assert.Empty(Check(select, "\"<2week\"").Errors);
        Assert.Equal(["You have selected an invalid option for Thing, expects one of: <2week, 2-4week"], Check(select, "\"soon\"").Errors);
        Assert.Empty(Check(multi, "[\"a\",\"b\"]").Errors);
        Assert.Single(Check(multi, "[\"a\",\"c\"]").Errors);
        Assert.Single(Check(multi, "\"a\"").Errors);
        Assert.Single(Check(multi, "[1]").Errors);
    }

    [Fact]
    public void Checkbox_takes_booleans_and_email_takes_addresses()
    {
        Assert.Equal("true", Check(Field("checkbox"), "true").Value);
        Assert.Equal(["You have entered an invalid value for Thing, expects true or false"], Check(Field("checkbox"), "\"yes\"").Errors);
        Assert.Empty(Check(Field("email"), "\"jane@example.com\"").Errors);
        Assert.Equal(["You have entered an invalid email address for Thing"], Check(Field("email"), "\"jane\"").Errors);
        Assert.Single(Check(Field("email"), "\"Jane <jane@example.com>\"").Errors);
    }

    [Fact]
    public void Optional_fields_accept_null()
    {
        var (value, errors) = Check(Field("date"), "null");
        Assert.Empty(errors);
        Assert.Null(value);
    }
}
