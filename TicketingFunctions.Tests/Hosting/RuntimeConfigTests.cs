using System.Text.Json.Nodes;

namespace TicketingFunctions.Tests.Hosting;

/// <summary>Runtime settings the app ships with (its runtimeconfig.json, copied beside the tests), not left to defaults.</summary>
public sealed class RuntimeConfigTests
{
    private static JsonObject ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TicketingFunctions.runtimeconfig.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        return config["runtimeOptions"]!["configProperties"]!.AsObject();
    }

    [Fact]
    public void The_app_runs_with_server_gc_as_aspnet_core_apps_do()
    {
        // Workstation GC (the plain SDK's default) doubled the create's p99 under load: docs/BENCHMARKS.md.
        Assert.True((bool?)ConfigProperties()["System.GC.Server"]);
    }

    [Fact]
    public void The_app_runs_with_invariant_globalization()
    {
        Assert.True((bool?)ConfigProperties()["System.Globalization.Invariant"]);
    }
}
