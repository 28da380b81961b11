using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace TicketingFunctions.Storage;

/// <summary>
/// Where the local defaults keep their data: the embedded ticket store's SQLite file and the local attachment store's
/// folder. <c>Storage__DataPath</c> names it (relative paths from the app's folder); unset, it is <c>.data</c> in the
/// project folder in Development (found above the build output, so it survives rebuilds and is the same for Debug and
/// Release), else <c>.data</c> beside the app.
/// </summary>
public sealed class LocalDataFolder
{
    public const string SettingKey = "Storage:DataPath";
    public const string SettingName = "Storage__DataPath";
    public const string DefaultFolderName = ".data";
    private const string ProjectFile = "TicketingFunctions.csproj";

    public LocalDataFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>The data folder, absolute.</summary>
    public string Path { get; }

    /// <summary>The embedded ticket store's SQLite database (with its <c>-wal</c> and <c>-shm</c> files beside it).</summary>
    public string TicketsFile => System.IO.Path.Combine(Path, EmbeddedStoreFile.FileName);

    /// <summary>The local attachment store's folder when <c>Attachments__LocalPath</c> is unset.</summary>
    public string Attachments => System.IO.Path.Combine(Path, "attachments");

    public static LocalDataFolder Resolve(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[SettingKey];
        if (!string.IsNullOrWhiteSpace(configured))
            return new LocalDataFolder(System.IO.Path.Combine(environment.ContentRootPath, configured));
        var home = environment.IsDevelopment() ? ProjectFolderAbove(environment.ContentRootPath) : null;
        return new LocalDataFolder(System.IO.Path.Combine(home ?? environment.ContentRootPath, DefaultFolderName));
    }

    /// <summary>The folder holding the project file, when the app runs from its build output (bin/Debug/net10.0).</summary>
    private static string? ProjectFolderAbove(string folder)
    {
        var current = new DirectoryInfo(folder);
        for (var depth = 0; current is not null && depth < 5; depth++, current = current.Parent)
            if (File.Exists(System.IO.Path.Combine(current.FullName, ProjectFile))) return current.FullName;
        return null;
    }
}
