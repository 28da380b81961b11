using System.Text;
using System.Text.RegularExpressions;

namespace TicketingFunctions.Tests.Docs;

/// <summary>
/// Finds the links of Markdown files and checks that each relative one stays inside the repository, names a file or
/// folder that exists, and, with a <c>#fragment</c>, a heading of that file (GitHub's anchor rules).
/// </summary>
public static partial class MarkdownLinks
{
    /// <summary>Every broken link under <paramref name="root"/>'s README.md and docs/*.md, as "file: link: why".</summary>
    public static IReadOnlyList<string> Problems(string root, IEnumerable<string> markdownFiles)
    {
        root = Path.GetFullPath(root);
        var problems = new List<string>();
        foreach (var file in markdownFiles)
        {
            var relativeFile = Path.GetRelativePath(root, file);
            foreach (var target in Links(File.ReadAllText(file)))
            {
                var why = Check(root, file, target);
                if (why is not null) problems.Add($"{relativeFile}: ({target}): {why}");
            }
        }
        return problems;
    }

    private static string? Check(string root, string file, string target)
    {
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || target.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            return null; // A web address is not a file of the repository; it is not checked here.
        if (target.Contains("://") || target.StartsWith('/') || target.StartsWith('\\'))
            return "an absolute path or another scheme: links must be relative to the repository";

        var hash = target.IndexOf('#');
        var path = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
        var anchor = hash < 0 ? null : target[(hash + 1)..];

        var resolved = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, path));
        if (!resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && resolved != root)
            return "leaves the repository";
        if (!File.Exists(resolved) && !Directory.Exists(resolved)) return "no such file";
        if (anchor is null) return null;
        if (!resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) return "an anchor into a file that is not Markdown";
        return Anchors(File.ReadAllText(resolved)).Contains(anchor) ? null : $"no heading with the anchor #{anchor}";
    }

    /// <summary>The targets of inline links and images, outside fenced code blocks and code spans.</summary>
    public static IEnumerable<string> Links(string markdown)
    {
        foreach (var line in OutsideFences(markdown))
        {
            var text = CodeSpan().Replace(line, "");
            foreach (Match match in InlineLink().Matches(text)) yield return match.Groups["target"].Value;
        }
    }

    /// <summary>The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered.</summary>
    public static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in OutsideFences(markdown))
        {
            var heading = Heading().Match(line);
            if (!heading.Success) continue;
            var slug = Slug(heading.Groups["text"].Value);
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }
        return anchors;
    }

    public static string Slug(string heading)
    {
        var text = InlineLink().Replace(heading, m => m.Groups["label"].Value).Trim();
        var slug = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c == '-' || c == '_') slug.Append(c);
            else if (c == ' ') slug.Append('-');
        }
        return slug.ToString();
    }

    private static IEnumerable<string> OutsideFences(string markdown)
    {
        var inFence = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { inFence = !inFence; continue; }
            if (!inFence) yield return line.TrimEnd('\r');
        }
    }

    [GeneratedRegex(@"!?\[(?<label>[^\]]*)\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();
}
