using System.Globalization;

namespace TicketingFunctions.Attachments;

/// <summary>
/// The name an upload is stored and downloaded under. Only the last path segment is kept (a browser may send
/// <c>C:\fakepath\x.pdf</c>), control and format characters (e.g. a right-to-left override that disguises an extension)
/// are removed, and surrounding spaces and dots trimmed. What remains must be 1 to <see cref="MaxLength"/> characters (code points, as every length limit counts).
/// </summary>
public static class AttachmentFilename
{
    public const int MaxLength = 255;

    /// <summary>The cleaned name, or null with <paramref name="problem"/> saying why there is none.</summary>
    public static string? Clean(string? sent, out string? problem)
    {
        problem = null;
        var name = sent ?? "";
        var lastSeparator = name.LastIndexOfAny(['/', '\\']);
        if (lastSeparator >= 0) name = name[(lastSeparator + 1)..];
        var kept = new System.Text.StringBuilder(name.Length);
        // By Unicode scalar: pairs of surrogates stay (an emoji), a lone surrogate reads as U+FFFD and goes.
        foreach (var rune in name.EnumerateRunes())
        {
            if (System.Text.Rune.IsControl(rune) || rune == System.Text.Rune.ReplacementChar
                || System.Text.Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format) continue;
            kept.Append(rune.ToString());
        }
        name = kept.ToString();
        name = name.Trim().Trim('.').Trim();
        if (name.Length == 0) problem = "The file name is empty once path separators and control characters are removed";
        else if (Tickets.TextLength.Exceeds(name, MaxLength)) problem = $"The file name must be at most {MaxLength} characters long";
        return problem is null ? name : null;
    }
}
