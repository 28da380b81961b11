using Ganss.Xss;

namespace TicketingFunctions.Tickets;

/// <summary>
/// Cleans rich-text field values before they are stored: scripts, event-handler attributes and
/// <c>javascript:</c> URLs go, harmless markup stays. One configured instance is safe to share.
/// </summary>
public static class RichTextSanitizer
{
    private static readonly HtmlSanitizer Sanitizer = new();

    public static string Sanitize(string html) =>
        // Plain text needs no HTML parse; this keeps the common case cheap.
        html.AsSpan().IndexOfAny('<', '&') < 0 ? html : Sanitizer.Sanitize(html);
}
