namespace TicketingFunctions.Tests.Docs;

/// <summary>The repository's top folder (the one holding TicketingFunctions.sln), found above the test output.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TicketingFunctions.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No TicketingFunctions.sln in {AppContext.BaseDirectory} or above it.");
    }
}
