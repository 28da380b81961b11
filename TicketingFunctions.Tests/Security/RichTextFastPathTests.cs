using TicketingFunctions.Tickets;

namespace TicketingFunctions.Tests.Security;

/// <summary>
/// <see cref="RichTextSanitizer"/> skips the HTML parse for simple markup. That is only right if the sanitizer
/// would have returned such markup unchanged: these tests compare the two on chosen and on generated inputs.
/// </summary>
public sealed class RichTextFastPathTests
{
    /// <summary>The product's sanitizer, configured as it is, always parsing.</summary>
    private static class Reference
    {
        public static string Sanitize(string html) => RichTextSanitizer.SanitizeWithParse(html);
    }

    [Theory]
    [InlineData("<p>Current laptop battery no longer holds charge.</p>")]
    [InlineData("<p>a</p><p>b</p>")]
    [InlineData("<p>a<br>b</p>")]
    [InlineData("<p><b>x</b> <i>y</i> <em>z</em> <strong>w</strong> <u>u</u> <s>s</s> <code>c</code></p>")]
    [InlineData("<ul><li>a</li><li><p>b</p><ol><li>c</li></ol></li></ul>")]
    [InlineData("text <b>bold</b> text")]
    [InlineData("<p>quotes \" ' and é ü 😀 and = / ; :</p>")]
    [InlineData("<p>line\nbreak\ttab</p>")]
    [InlineData("<p></p>")]
    public void Simple_markup_skips_the_parse_and_is_what_the_sanitizer_returns(string html)
    {
        Assert.True(RichTextSanitizer.IsPlainOrSimpleMarkup(html));
        Assert.Equal(Reference.Sanitize(html), RichTextSanitizer.Sanitize(html));
        Assert.Same(html, RichTextSanitizer.Sanitize(html));
    }

    [Theory]
    [InlineData("<p onclick=\"x()\">a</p>")]
    [InlineData("<p class=\"a\">a</p>")]
    [InlineData("<a href=\"https://example.com\">a</a>")]
    [InlineData("<script>x()</script>")]
    [InlineData("<P>a</P>")]
    [InlineData("<p >a</p>")]
    [InlineData("<br/>")]
    [InlineData("<p>a</p")]
    [InlineData("<p>unclosed")]
    [InlineData("</p>x")]
    [InlineData("<p><p>x</p></p>")]
    [InlineData("<b><p>x</p></b>")]
    [InlineData("<b><i>x</b></i>")]
    [InlineData("<li>x</li>")]
    [InlineData("<ul>x<li>a</li></ul>")]
    [InlineData("<p><ul><li>a</li></ul></p>")]
    [InlineData("<p>a &amp; b</p>")]
    [InlineData("<p>a > b</p>")]
    [InlineData("<p>a\u00a0b</p>")]
    [InlineData("<p>a\r\nb</p>")]
    [InlineData("<p>\0</p>")]
    [InlineData("<!-- c --><p>a</p>")]
    [InlineData("<div>a</div>")]
    public void Anything_else_goes_through_the_sanitizer(string html)
    {
        Assert.False(RichTextSanitizer.IsPlainOrSimpleMarkup(html));
        Assert.Equal(Reference.Sanitize(html), RichTextSanitizer.Sanitize(html));
    }

    /// <summary>
    /// Markup that is easy to get wrong: entities, comments, CDATA, attributes, nested and misnested tags, unicode,
    /// whitespace, '&lt;' and '&gt;' in text, plain text with '&amp;'. With the phishing corpus, each input is also tried
    /// inside a paragraph, a list item and an inline tag, and after simple markup.
    /// </summary>
    private static readonly string[] TrickyMarkup =
    [
        "a &amp; b", "a & b", "AT&T", "&", "&&", "&;", "&#", "&#x;", "&#60;p&#62;", "&lt;p&gt;", "&nbsp;", "&NotARealEntity;", "&amp", "&copy", "&#128512;", "&#xD800;",
        "<!-- comment -->", "<!---->", "<!-- <p>x</p> -->", "<!--", "<![CDATA[<p>x</p>]]>", "<!DOCTYPE html>", "<?xml version=\"1.0\"?>",
        "<p title=\"t\">x</p>", "<p title='t'>x</p>", "<p title=t>x</p>", "<p title>x</p>", "<p dir=\"rtl\" lang=\"ar\">x</p>", "<p onclick=alert(1)>x</p>",
        "<a href=\"https://example.com/?a=1&b=2\">x</a>", "<a href=\"javascript:alert(1)\">x</a>", "<a href=\" https://example.com\">x</a>", "<img src=\"https://example.com/a.png\" alt=\"a\">",
        "<p><b><i>x</i></b></p>", "<b><i>x</b></i>", "<p><p>x</p></p>", "<p><div>x</div></p>", "<ul><li>a<li>b</ul>", "<li>x</li>", "<ol><p>x</p></ol>", "<table><tr><td>x</td></tr></table>",
        "<td>x</td>", "<tr>x</tr>", "<p>x", "x</p>", "</p>", "<p>x</b></p>", "<br></br>", "</br>", "<br/>", "<br />", "<hr>", "<p/>", "<b/>x",
        "<P>x</P>", "<p >x</p>", "< p>x</p>", "<p\n>x</p>", "<p\t>x</p>", "<pre>\nx</pre>", "<pre>x</pre>", "<textarea>\nx</textarea>", "<code>a < b</code>",
        "1 < 2", "2 > 1", "a <b c", "<", ">", "<>", "</>", "<<p>>x<</p>>", "<3", "<-", "a<b>c", "x <= y >= z",
        "é ü ß", "😀", "\u00a0", "\u200b", "\u2028", "\ufeff", "\u0000", "\u0001", "\u007f", "\u0085", "عربي", "漢字", "e\u0301",
        " ", "  x  ", "\n", "\r\n", "\r", "\t", "\u000c", "<p> </p>", "<p>\n</p>", "<p>\r\n</p>", "<p>  x  </p>",
        "<script>alert(1)</script>", "<style>p{}</style>", "<noscript><p>x</p></noscript>", "<template><p>x</p></template>", "<math><mi>x</mi></math>", "<svg><p>x</p></svg>",
        "<xmp><p>x</p></xmp>", "<plaintext><p>x", "<title>x</title>", "<body><p>x</p></body>", "<html><p>x</p></html>", "<head></head><p>x</p>",
        "\"quotes\" and 'apostrophes'", "x=1; y=2", "a/b\\c", "`backtick`", "{{template}}", "${x}",
    ];

    public static TheoryData<string> MarkupCorpus()
    {
        var inputs = new List<string>(TrickyMarkup);
        foreach (var row in Http.RichTextPolicyTests.PhishingCorpus) inputs.Add((string)row[0]);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
            distinct.UnionWith([input, "<p>" + input + "</p>", "<ul><li>" + input + "</li></ul>", "<b>" + input + "</b>", "<p>simple</p>" + input, input + "<br>"]);
        var data = new TheoryData<string>();
        foreach (var html in distinct) data.Add(html);
        return data;
    }

    /// <summary>
    /// The differential test: over the whole corpus, what is stored is byte for byte what the full sanitizer gives, for
    /// every input the fast path could see as markup (one with '&lt;' or '&amp;'); text with neither is stored verbatim,
    /// by design (clients encode it when rendering).
    /// </summary>
    [Theory]
    [MemberData(nameof(MarkupCorpus))]
    public void On_the_markup_corpus_the_fast_path_gives_what_the_sanitizer_gives(string html)
    {
        var stored = RichTextSanitizer.Sanitize(html);
        if (html.IndexOfAny(['<', '&']) < 0)
        {
            Assert.Same(html, stored);
            return;
        }
        Assert.Equal(Reference.Sanitize(html), stored, StringComparer.Ordinal);
        if (RichTextSanitizer.IsPlainOrSimpleMarkup(html)) Assert.Same(html, stored);
    }

    [Fact]
    public void A_lone_surrogate_goes_through_the_sanitizer()
    {
        var html = "<p>" + (char)0xD800 + "</p>";
        Assert.False(RichTextSanitizer.IsPlainOrSimpleMarkup(html));
    }

    [Theory]
    [InlineData("plain words")]
    [InlineData("a > b, \r\n and\u00a0nbsp")]
    public void Plain_text_is_stored_verbatim(string text) => Assert.Same(text, RichTextSanitizer.Sanitize(text));

    /// <summary>
    /// Random well-formed documents of the allowed tags, and the same documents with a piece inserted at a random
    /// place (a near-miss tag, an entity, a tricky character): whatever the fast path keeps, the sanitizer must
    /// return unchanged. Fixed seed, so failures reproduce.
    /// </summary>
    [Fact]
    public void On_generated_markup_the_fast_path_never_disagrees_with_the_sanitizer()
    {
        string[] noise =
        [
            "<p>", "</p>", "<br>", "<li>", "</li>", "<ul>", "</b>", "<div>", "<p class=x>", "<br/>", "<P>", "</", "<", ">", "&", "&amp;",
            "\u00a0", "\r", "\"", "'", "=", "é", "😀", " ", "\n",
        ];
        var random = new Random(20261128);
        int accepted = 0, mutatedAccepted = 0;
        for (var n = 0; n < 5_000; n++)
        {
            var document = new System.Text.StringBuilder();
            Generate(document, random, Context.Root, 0);
            var html = document.ToString();
            Check(html, ref accepted);

            var mutated = html.Insert(random.Next(html.Length + 1), noise[random.Next(noise.Length)]);
            var before = accepted;
            Check(mutated, ref accepted);
            if (accepted > before) mutatedAccepted++;
        }
        Assert.True(accepted > 4_000 && mutatedAccepted > 100, $"Fast path taken by {accepted} documents ({mutatedAccepted} mutated): too few to prove much.");

        static void Check(string html, ref int accepted)
        {
            if (!html.Contains('<') && !html.Contains('&')) return;   // plain text is verbatim by design
            if (!RichTextSanitizer.IsPlainOrSimpleMarkup(html)) return;
            accepted++;
            var sanitized = Reference.Sanitize(html);
            Assert.True(sanitized == html, $"The fast path keeps \"{html}\" but the sanitizer returns \"{sanitized}\"");
        }
    }

    private enum Context { Root, Paragraph, Inline, List, Item }

    private static void Generate(System.Text.StringBuilder html, Random random, Context context, int depth)
    {
        string[] inline = ["b", "i", "em", "strong", "u", "s", "code"];
        string[] text = ["text", "a b", " ", "\n", "\t", "é ü", "😀", "\"q\"", "'", "x=1", "a/b", ";:"];
        var count = random.Next(context == Context.Root ? 1 : 0, 4);
        for (var k = 0; k < count; k++)
        {
            if (context == Context.List)
            {
                html.Append("<li>");
                if (depth < 6) Generate(html, random, Context.Item, depth + 1);
                html.Append("</li>");
                continue;
            }
            var blockAllowed = context is Context.Root or Context.Item && depth < 6;
            switch (random.Next(blockAllowed ? 6 : 3))
            {
                case 0: html.Append(text[random.Next(text.Length)]); break;
                case 1: html.Append("<br>"); break;
                case 2:
                    var tag = inline[random.Next(inline.Length)];
                    html.Append('<').Append(tag).Append('>');
                    if (depth < 6) Generate(html, random, Context.Inline, depth + 1);
                    html.Append("</").Append(tag).Append('>');
                    break;
                case 3:
                    html.Append("<p>");
                    Generate(html, random, Context.Paragraph, depth + 1);
                    html.Append("</p>");
                    break;
                default:
                    var list = random.Next(2) == 0 ? "ul" : "ol";
                    html.Append('<').Append(list).Append('>');
                    Generate(html, random, Context.List, depth + 1);
                    html.Append("</").Append(list).Append('>');
                    break;
            }
        }
    }
}
