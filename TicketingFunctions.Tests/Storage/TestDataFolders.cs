using TicketingFunctions.Storage;

namespace TicketingFunctions.Tests.Storage;

/// <summary>
/// A fresh data folder per store or host, so that no two tests share a file (the embedded store also refuses a folder
/// another store holds). All live under one folder per test run, deleted when the run ends.
/// </summary>
public static class TestDataFolders
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "ticketing-tests", $"{Environment.ProcessId}-{Guid.NewGuid():N}");

    static TestDataFolders() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(Root);

    public static string New() => Directory.CreateDirectory(Path.Combine(Root, Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>An embedded store in a new folder of its own.</summary>
    public static EmbeddedTicketStore NewStore() => new(New());

    public static void Delete(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
