using System.Text.RegularExpressions;

namespace TicketingFunctions.Tickets;

/// <summary>
/// The <c>@username</c> mentions of a comment's text: an <c>@</c> not preceded by a letter, digit or address character
/// (so <c>pat@example.com</c> is no mention), then 1 to 64 letters, digits, <c>.</c>, <c>_</c> or <c>-</c>; a
/// sentence's final dot is not part of the name. Which of them name someone is the catalog's to say.
/// </summary>
public static partial class CommentMentions
{
    public const int MaxMentions = 20;

    public static IReadOnlyList<string> Find(string text)
    {
        var names = new List<string>();
        foreach (Match match in Mention().Matches(text))
        {
            var name = match.Groups[1].Value.TrimEnd('.', '-', '_');
            if (name.Length > 0 && !names.Contains(name, StringComparer.OrdinalIgnoreCase)) names.Add(name);
            if (names.Count == MaxMentions) break;
        }
        return names;
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9._%+\-@/])@([A-Za-z0-9][A-Za-z0-9._\-]{0,63})", RegexOptions.CultureInvariant)]
    private static partial Regex Mention();
}
