using System.Text.RegularExpressions;

namespace TicketingFunctions.Tests.Auth;

/// <summary>
/// Every role rule is a named check in Auth/Permissions.cs: no other source file reads the caller's roles or names a role
/// to decide what the caller may do, so a new endpoint can't write its own (subtly different) copy of a rule.
/// </summary>
public sealed class PermissionRulesTests
{
    private static readonly Regex RoleCheck = new(
        @"\.Roles\.Contains\(|\.Roles\b.*\b(Any|Contains|Overlaps)\(|Permissions\.(TenantAdmin|TicketAgent|TicketUser)\b|""(tenant_admin|ticket_agent|ticket_user)""",
        RegexOptions.Compiled);

    // Where a role is named for another purpose than a rule: the tokens a developer asks for, and the rules themselves.
    private static readonly HashSet<string> Allowed = ["Auth/Permissions.cs", "Hosting/DevTokenCommand.cs"];

    [Fact]
    public void No_source_file_but_Permissions_writes_out_a_role_check()
    {
        var root = Path.Combine(FindRepoRoot(), "TicketingFunctions");
        var offenders = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (Path: Path.GetRelativePath(root, f).Replace('\\', '/'), Lines: File.ReadAllLines(f)))
            .Where(f => !Allowed.Contains(f.Path))
            .SelectMany(f => f.Lines.Select((line, i) => (f.Path, Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//") && !l.Text.StartsWith("///") && RoleCheck.IsMatch(l.Text))
            .Select(l => $"{l.Path}:{l.Line}: {l.Text}")
            .ToList();
        Assert.True(offenders.Count == 0, "Role checks outside Auth/Permissions.cs (add a named rule there):\n" + string.Join('\n', offenders));
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TicketingFunctions.sln"))) return dir.FullName;
        throw new InvalidOperationException("TicketingFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
