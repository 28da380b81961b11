using System.Globalization;
using System.Text;

namespace TicketingFunctions.Tickets;

/// <summary>
/// The one rule for identity-like text a client sends (emails in fields and watcher lists, an assignee's username):
/// no control characters, no invisible format characters (bidi controls such as U+202E, zero-width characters,
/// U+FEFF), no line or paragraph separators and no lone surrogates. Such text can show as another identity than it is.
/// </summary>
public static class IdentityText
{
    public static bool IsClean(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune == Rune.ReplacementChar) return false;   // a lone surrogate reads as U+FFFD
            if (Rune.IsControl(rune)) return false;
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate)
                return false;
        }
        return true;
    }

    /// <summary>True for a domain that is an address literal (<c>[192.0.2.1]</c>) or an IP address, not a name.</summary>
    public static bool IsIpLiteral(string host) =>
        host.StartsWith('[') || System.Net.IPAddress.TryParse(host, out _);
}
