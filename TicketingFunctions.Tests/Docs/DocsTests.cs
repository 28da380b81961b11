namespace TicketingFunctions.Tests.Docs;

/// <summary>The README and docs/ stay readable and self-contained: nothing links outside the repository or to nowhere.</summary>
public sealed class DocsTests
{
    private static readonly string Root = RepositoryFiles.Root;

    private static IEnumerable<string> DocFiles() =>
        new[] { Path.Combine(Root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories));

    [Fact]
    public void Every_relative_link_resolves_to_a_file_of_the_repository_and_every_anchor_to_a_heading()
    {
        var problems = MarkdownLinks.Problems(Root, DocFiles());
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_docs_have_links_to_check()
    {
        // Guards the test above against a parser that finds nothing.
        var links = DocFiles().SelectMany(f => MarkdownLinks.Links(File.ReadAllText(f))).ToList();
        Assert.Contains("docs/api.md", links);
        Assert.Contains(links, l => l.Contains('#'));
    }

    [Fact]
    public void The_readme_is_short_and_opens_with_the_two_commands()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "README.md"));
        Assert.True(lines.Length <= 150, $"README.md has {lines.Length} lines; the details belong in docs/.");
        var opening = string.Join('\n', lines.Take(8));
        Assert.Contains("dotnet run --project TicketingFunctions ", opening);
        Assert.Contains("dotnet test TicketingFunctions.sln ", opening);
    }

    [Fact]
    public void The_docs_hold_one_topic_a_file()
    {
        foreach (var topic in new[] { "api.md", "design.md", "operations.md", "development.md", "BENCHMARKS.md" })
            Assert.True(File.Exists(Path.Combine(Root, "docs", topic)), $"docs/{topic} is missing");
    }

    [Fact]
    public void The_checker_refuses_missing_files_missing_anchors_and_links_that_leave_the_repository()
    {
        var root = Directory.CreateTempSubdirectory("doclinks-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "docs"));
            File.WriteAllText(Path.Combine(root, "docs", "a.md"), "# Title\n## Two words, `code`!\n## Two words, `code`!\n");
            var readme = Path.Combine(root, "README.md");
            File.WriteAllText(readme, string.Join('\n',
                "[ok](docs/a.md) [ok](docs/a.md#title) [ok](docs/a.md#two-words-code) [ok](docs/a.md#two-words-code-1)",
                "[ok](https://example.org/x) [ok](#top) `[skipped](nowhere.md)`",
                "# Top",
                "```", "[skipped](inside-a-fence.md)", "```",
                "[bad](docs/missing.md) [bad](docs/a.md#nope) [bad](../outside.md) [bad](/etc/passwd) [bad](README.md#gone)"));

            var problems = MarkdownLinks.Problems(root, [readme]);

            Assert.Equal(5, problems.Count);
            Assert.Contains(problems, p => p.Contains("(docs/missing.md): no such file"));
            Assert.Contains(problems, p => p.Contains("(docs/a.md#nope): no heading"));
            Assert.Contains(problems, p => p.Contains("(../outside.md): leaves the repository"));
            Assert.Contains(problems, p => p.Contains("(/etc/passwd): an absolute path"));
            Assert.Contains(problems, p => p.Contains("(README.md#gone): no heading"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void The_documented_managed_identity_caller_is_the_class_the_Entra_tests_run()
    {
        var tested = File.ReadAllText(Path.Combine(Root, "TicketingFunctions.Tests", "Entra", "TicketingApiCaller.cs")).ReplaceLineEndings("\n");
        var documented = File.ReadAllText(Path.Combine(Root, "docs", "operations.md")).ReplaceLineEndings("\n");
        var start = tested.IndexOf("public sealed class TicketingApiCaller", StringComparison.Ordinal);

        Assert.True(start > 0, "TicketingApiCaller.cs no longer declares the class");
        Assert.Contains(tested[start..].TrimEnd(), documented);
    }
}
