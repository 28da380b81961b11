using System.Net;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Security;

public sealed class RichTextTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("<p>ok</p><script>alert(1)</script>", "<p>ok</p>")]
    [InlineData("<img src=\"https://example.com/x.png\" onerror=\"alert(1)\">", "<img src=\"https://example.com/x.png\">")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<p>Battery <b>dead</b>, see <a href=\"https://example.com/kb\">KB</a></p>", "<p>Battery <b>dead</b>, see <a href=\"https://example.com/kb\">KB</a></p>")]
    [InlineData("plain words", "plain words")]
    public void Rich_text_loses_scripts_handlers_and_javascript_urls_and_keeps_harmless_markup(string html, string expected) =>
        Assert.Equal(expected, RichTextSanitizer.Sanitize(html));

    [Fact]
    public async Task The_stored_and_echoed_rich_text_is_the_sanitized_value_and_plain_text_is_verbatim()
    {
        var response = await fixture.Api.CreateAsync(Bodies.Example(b =>
        {
            b.TicketBody()[Bodies.DescriptionField] = "<p onclick=\"steal()\">Hi</p><script>x()</script>";
            b.TicketBody()[Bodies.TitleField] = "<script>shown as text</script>";
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.JsonAsync()).GetProperty("ticket").GetProperty("data");
        Assert.Equal("<p>Hi</p>", data.GetProperty(Bodies.DescriptionField).GetString());
        Assert.Equal("<script>shown as text</script>", data.GetProperty(Bodies.TitleField).GetString());
    }
}
