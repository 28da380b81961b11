using Ganss.Xss;

namespace TicketingFunctions.Tickets;

/// <summary>
/// Cleans rich-text field values before they are stored, with an explicit allow-list (<see cref="Policy"/>): text
/// formatting, lists, headings, quotes, code and tables stay; links only to <c>http</c>, <c>https</c> and
/// <c>mailto</c>; images only from <c>https</c>; everything else goes, including forms and their controls, frames,
/// embedded objects, SVG, <c>meta</c>/<c>base</c>, <c>style</c>, <c>class</c> and <c>id</c> attributes, and relative or
/// protocol-relative (<c>//host</c>) URLs. One configured instance is safe to share.
/// </summary>
public static class RichTextSanitizer
{
    /// <summary>Elements ticket content may use. Anything else is removed with its content.</summary>
    public static readonly IReadOnlyList<string> AllowedTags =
    [
        "p", "br", "hr", "div", "span", "b", "strong", "i", "em", "u", "s", "strike", "del", "ins", "sub", "sup", "small", "mark",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "q", "cite", "pre", "code", "kbd", "samp",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
        "a", "img",
    ];

    /// <summary>Attributes kept on any allowed element; none can style, position or identify it.</summary>
    public static readonly IReadOnlyList<string> AllowedAttributes =
        ["href", "src", "alt", "title", "colspan", "rowspan", "scope", "start", "reversed", "dir", "lang", "cite"];

    // Made at first use: loading and configuring the HTML parser costs start-up time that most creates never need.
    private static class Full
    {
        public static readonly HtmlSanitizer Sanitizer = Policy();
    }

    /// <summary>The allow-list policy. Not the library's defaults, which keep forms, inputs and <c>style</c>.</summary>
    public static HtmlSanitizer Policy()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(AllowedTags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(AllowedAttributes, StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href", "src", "cite"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedClasses = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
        });
        sanitizer.FilterUrl += (_, e) => e.SanitizedUrl = AllowedUrl(e.Tag.NodeName, e.OriginalUrl) ? e.SanitizedUrl : null;
        return sanitizer;
    }

    /// <summary>
    /// Only absolute URLs: a relative or protocol-relative one would resolve against whatever page shows the ticket.
    /// Images load without a click, so only over https.
    /// </summary>
    private static bool AllowedUrl(string tag, string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || url.TrimStart().StartsWith("//", StringComparison.Ordinal)) return false;
        return tag.Equals("img", StringComparison.OrdinalIgnoreCase)
            ? uri.Scheme == Uri.UriSchemeHttps
            : uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeMailto;
    }

    public static string Sanitize(string html) =>
        // Plain text and simple, well-formed markup need no HTML parse: the sanitizer would return them unchanged.
        IsPlainOrSimpleMarkup(html) ? html : SanitizeWithParse(html);

    /// <summary>Always the full parse and clean; <see cref="Sanitize"/> agrees with it on every markup input (tests compare).</summary>
    /// <remarks>Not inlined: compiling <see cref="Sanitize"/> then loads none of the parser's assemblies.</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static string SanitizeWithParse(string html) => Full.Sanitizer.Sanitize(html);

    private const int MaxSimpleDepth = 16;

    private enum Tag : byte { None, P, Br, Ul, Ol, Li, Inline }

    /// <summary>
    /// True for plain text (no '&lt;' or '&amp;', stored verbatim) and for markup the sanitizer leaves as it is: no attributes, entities, comments or unusual
    /// characters; only the tags p, br, ul, ol, li, b, i, em, strong, u, s and code, lower case, properly nested
    /// where the HTML parser would not move them (no p inside p or inside inline tags, li only in lists, lists
    /// only at the top or in li). Anything else goes through the sanitizer. Tests compare both on many inputs.
    /// </summary>
    public static bool IsPlainOrSimpleMarkup(ReadOnlySpan<char> html)
    {
        if (html.IndexOfAny('<', '&') < 0) return true;   // plain text: stored verbatim, as always

        Span<Tag> open = stackalloc Tag[MaxSimpleDepth];
        Span<int> inlineNames = stackalloc int[MaxSimpleDepth];
        var depth = 0;
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c != '<')
            {
                if (!IsPlainTextChar(html, ref i)) return false;
                var parent = depth == 0 ? Tag.None : open[depth - 1];
                if (parent is Tag.Ul or Tag.Ol) return false;   // text directly in a list is moved by the parser
                continue;
            }

            var end = html[i..].IndexOf('>');
            if (end < 0) return false;
            var token = html.Slice(i + 1, end - 1);
            i += end + 1;
            var closing = token.Length > 0 && token[0] == '/';
            var name = closing ? token[1..] : token;
            var (tag, inlineName) = Classify(name);
            if (tag == Tag.None) return false;
            var current = depth == 0 ? Tag.None : open[depth - 1];

            if (closing)
            {
                if (tag == Tag.Br || depth == 0 || current != tag || (tag == Tag.Inline && inlineNames[depth - 1] != inlineName)) return false;
                depth--;
                continue;
            }

            var allowed = tag switch
            {
                Tag.P => current is Tag.None or Tag.Li,
                Tag.Ul or Tag.Ol => current is Tag.None or Tag.Li,
                Tag.Li => current is Tag.Ul or Tag.Ol,
                _ => current is not (Tag.Ul or Tag.Ol),   // br and inline tags: anywhere but directly in a list
            };
            if (!allowed) return false;
            if (tag == Tag.Br) continue;
            if (depth == MaxSimpleDepth) return false;
            open[depth] = tag;
            inlineNames[depth] = inlineName;
            depth++;
        }
        return depth == 0;
    }

    private static (Tag Tag, int InlineName) Classify(ReadOnlySpan<char> name) => name switch
    {
        "p" => (Tag.P, 0),
        "br" => (Tag.Br, 0),
        "ul" => (Tag.Ul, 0),
        "ol" => (Tag.Ol, 0),
        "li" => (Tag.Li, 0),
        "b" => (Tag.Inline, 1),
        "i" => (Tag.Inline, 2),
        "em" => (Tag.Inline, 3),
        "strong" => (Tag.Inline, 4),
        "u" => (Tag.Inline, 5),
        "s" => (Tag.Inline, 6),
        "code" => (Tag.Inline, 7),
        _ => (Tag.None, 0),
    };

    /// <summary>One character (or surrogate pair) of text the HTML serializer writes back as it is.</summary>
    private static bool IsPlainTextChar(ReadOnlySpan<char> html, ref int i)
    {
        var c = html[i];
        if (char.IsHighSurrogate(c))
        {
            if (i + 1 >= html.Length || !char.IsLowSurrogate(html[i + 1])) return false;
            i += 2;
            return true;
        }
        if (char.IsLowSurrogate(c) || c is '&' or '>' or '\u00A0' || (char.IsControl(c) && c is not ('\n' or '\t'))) return false;
        i++;
        return true;
    }
}
