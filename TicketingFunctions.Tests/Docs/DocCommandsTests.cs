using System.Text.Json;
using System.Text.RegularExpressions;

namespace TicketingFunctions.Tests.Docs;

/// <summary>
/// The rules the docs' shell commands and operator steps keep, checked against the repository: curl never saves an
/// error body as a file, examples make the files they upload, Azurite starts before <c>func start</c>, and what
/// operations.md says about rights, CORS and the smoke test matches the infra and the app.
/// </summary>
public sealed partial class DocCommandsTests
{
    private static string Read(string relative) => File.ReadAllText(Path.Combine(RepositoryFiles.Root, relative));

    private static IEnumerable<(string File, string Block)> ShellBlocks() =>
        new[] { "README.md" }.Concat(Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root, "docs"), "*.md").Select(f => Path.Combine("docs", Path.GetFileName(f))))
            .SelectMany(file => FencedBlock().Matches(Read(file)).Where(m => m.Groups[1].Value is "sh" or "bash")
                .Select(m => (file, m.Groups[2].Value.Replace("\\\n", " "))));

    /// <summary>Each curl invocation of a command line: from "curl" to the end of its pipe stage or substitution.</summary>
    public static IEnumerable<string> CurlCalls(string commands) =>
        commands.Split('\n').Select(line => line.Split('#')[0])
            .SelectMany(line => Regex.Matches(line, @"\bcurl\s[^|)]*").Select(m => m.Value));

    /// <summary>True when a curl call writes the answer to a file (-o, -O, --output, --remote-name or a redirect).</summary>
    public static bool SavesToFile(string curl) =>
        Regex.IsMatch(curl, @"(^|\s)(-[a-zA-Z]*[oO][a-zA-Z]*|--output|--remote-name)(\s|$)") || Regex.IsMatch(curl, @"\s>\s*\S");

    public static bool FailsOnErrors(string curl) =>
        Regex.IsMatch(curl, @"(^|\s)(-[a-zA-Z]*f[a-zA-Z]*|--fail|--fail-with-body)(\s|$)");

    [Fact]
    public void Every_curl_that_saves_an_answer_as_a_file_fails_on_an_error_answer()
    {
        var saving = ShellBlocks().SelectMany(b => CurlCalls(b.Block).Select(c => (b.File, Curl: c))).Where(c => SavesToFile(c.Curl)).ToList();

        Assert.Contains(saving, c => c.File == Path.Combine("docs", "api.md"));   // the attachment download
        Assert.All(saving, c => Assert.True(FailsOnErrors(c.Curl), $"{c.File}: {c.Curl}"));
    }

    [Theory]
    [InlineData("curl -s \"${H[@]}\" -OJ http://x/a", true, false)]
    [InlineData("curl -sf \"${H[@]}\" -OJ http://x/a", true, true)]
    [InlineData("curl --fail-with-body -o out.json http://x/a", true, true)]
    [InlineData("curl -s http://x/a > out.json", true, false)]
    [InlineData("curl -si \"${H[@]}\" http://x/a", false, false)]
    public void The_curl_rule_reads_flags_and_redirects(string curl, bool saves, bool fails)
    {
        Assert.Equal((saves, fails), (SavesToFile(curl), FailsOnErrors(curl)));
    }

    [Fact]
    public void The_upload_example_creates_the_file_it_uploads_before_uploading_it()
    {
        var api = Read(Path.Combine("docs", "api.md"));
        var block = FencedBlock().Matches(api[api.IndexOf("## Attachments", StringComparison.Ordinal)..])
            .Select(m => m.Groups[2].Value).First(b => b.Contains("--data-binary", StringComparison.Ordinal));

        var uploaded = Regex.Match(block, @"--data-binary @'([^']+)'").Groups[1].Value;

        Assert.NotEmpty(uploaded);
        var written = block.IndexOf($"> '{uploaded}'", StringComparison.Ordinal);
        Assert.True(written >= 0 && written < block.IndexOf("--data-binary", StringComparison.Ordinal), $"'{uploaded}' is uploaded but not written first");
        // curl -J refuses to overwrite a file: the download, named as the upload, must go to another folder.
        var download = Assert.Single(CurlCalls(block), c => c.Contains("-OJ", StringComparison.Ordinal));
        var folder = Regex.Match(download, @"--output-dir (\S+)").Groups[1].Value;
        Assert.NotEmpty(folder);
        Assert.Contains($"mkdir -p {folder}", block);
    }

    [Fact]
    public void Azurite_starts_before_func_start_since_the_sample_settings_need_the_storage_emulator()
    {
        using var sample = JsonDocument.Parse(Read("local.settings.sample.json"));
        Assert.Equal("UseDevelopmentStorage=true", sample.RootElement.GetProperty("Values").GetProperty("AzureWebJobsStorage").GetString());

        var block = ShellBlocks().Single(b => b.File == Path.Combine("docs", "operations.md") && b.Block.Contains("func start", StringComparison.Ordinal)).Block;

        var azurite = block.IndexOf("azurite.js", StringComparison.Ordinal);
        Assert.True(azurite >= 0 && azurite < block.IndexOf("func start", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(RepositoryFiles.Root, "tools", "azurite", "install.sh")));
    }

    [Fact]
    public void The_core_tools_cors_example_is_a_local_settings_file_with_a_host_cors_origin()
    {
        var operations = Read(Path.Combine("docs", "operations.md"));
        var json = FencedBlock().Matches(operations).Single(m => m.Groups[1].Value == "json" && m.Groups[2].Value.Contains("\"Host\"", StringComparison.Ordinal));
        using var example = JsonDocument.Parse(json.Groups[2].Value);
        using var sample = JsonDocument.Parse(Read("local.settings.sample.json"));

        Assert.StartsWith("http://localhost:", example.RootElement.GetProperty("Host").GetProperty("CORS").GetString());
        Assert.False(example.RootElement.GetProperty("Host").GetProperty("CORSCredentials").GetBoolean());
        foreach (var value in example.RootElement.GetProperty("Values").EnumerateObject())
            Assert.Equal(sample.RootElement.GetProperty("Values").GetProperty(value.Name).GetString(), value.Value.GetString());
    }

    [Fact]
    public void The_rights_named_for_azd_up_cover_the_role_assignments_the_infra_creates()
    {
        var bicep = string.Join('\n', Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root, "infra"), "*.bicep", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.Contains("Microsoft.Authorization/roleDefinitions", bicep);
        Assert.Contains("targetScope = 'subscription'", Read(Path.Combine("infra", "main.bicep")));

        var operations = Regex.Replace(Read(Path.Combine("docs", "operations.md")), @"\s+", " ");   // words across line breaks
        foreach (var words in new[] { "Owner", "User Access Administrator", "Role Based Access Control Administrator", "on the subscription" })
            Assert.Contains(words, operations);
    }

    [Fact]
    public void The_smoke_test_calls_the_readiness_route_and_an_authenticated_route_at_the_deployed_base_url()
    {
        var block = ShellBlocks().Single(b => b.Block.Contains("health/ready", StringComparison.Ordinal)).Block;

        Assert.Contains("output API_BASE_URL", Read(Path.Combine("infra", "main.bicep")));
        Assert.Contains("azd env get-value API_BASE_URL", block);
        Assert.Contains($"\"$API/{TicketingFunctions.Functions.Routes.HealthReady}\"", block);
        Assert.Contains("\"${ENTRA_API_CLIENT_ID=}\"", Read(Path.Combine("infra", "main.parameters.json")));
        Assert.Contains("az account get-access-token --scope \"api://$(azd env get-value ENTRA_API_CLIENT_ID)/.default\"", block);
        Assert.Contains("-H \"Authorization: Bearer $TOKEN\"", block);
        Assert.All(CurlCalls(block), curl => Assert.True(FailsOnErrors(curl), curl));
    }

    [Fact]
    public void Operations_names_how_to_install_each_tool_and_where_the_functions_host_differs()
    {
        var operations = Regex.Replace(Read(Path.Combine("docs", "operations.md")), @"\s+", " ");   // words across line breaks
        foreach (var words in new[] { "azure-functions-core-tools@4", "winget install microsoft.azd", "winget install Microsoft.AzureCLI", "azd version", "az version" })
            Assert.Contains(words, operations);

        var differs = operations[operations.IndexOf("### Where the Functions host differs from the standalone host", StringComparison.Ordinal)..];
        differs = differs[..differs.IndexOf(" ### ", 5, StringComparison.Ordinal)];
        foreach (var words in new[] { "`Server: Kestrel`", "**CORS.**", "**HTTP framing errors.**", "before the worker sees it" })
            Assert.Contains(words, differs);
    }

    [GeneratedRegex(@"^```(\w*)\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
