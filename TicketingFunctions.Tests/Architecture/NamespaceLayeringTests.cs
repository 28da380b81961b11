namespace TicketingFunctions.Tests.Architecture;

/// <summary>
/// The product's top-level namespaces (folders) in layers, read from the compiled assembly and the sources
/// (<see cref="NamespaceDependencies"/>). From the top:
/// <code>
/// Hosting       both hosts, service registration, commands
/// Functions     one thin function per operation, the request pipeline
/// Services      what answers an operation: takes a CheckedCaller, uses the stores, resolves links, answers in Api's terms;
///               the event feed and the events' maintenance pass
/// Attachments   upload bodies, file names, attachment options; their stores (Attachments/Storage)
/// Api           the wire contract: answers, errors, outcomes, request checks, the API's JSON
/// Storage       the ticket stores (Cosmos DB, embedded) and their documents
/// Tickets       the ticket model and its pure rules: validation, history, workflow moves, listing, JSON
/// Catalog       ticket types, workflows, SLA policies, offers, teams, catalog files
/// Auth          callers, tokens, permission rules
/// OpenApi       the served description
/// Settings      what a bad setting throws
/// </code>
/// A namespace may use the ones below it. Tickets and Catalog are the model the stores keep, so they use nothing that
/// stores or answers: the services that do (create, read, update, delete, list, catalog queries and seeding,
/// attachments) live in Services. Storage keeps tickets and catalogs and answers in their JSON, so it sits above them
/// and below what answers requests: it must not reach up into Api (as CosmosTicketStore once did through
/// TicketListJson), Attachments, Services, Functions or Hosting. Auth sits below Catalog: the default workflow names
/// its agent roles through Permissions, and a ticket type's permission rule takes the type's allowed roles, not the type.
/// An upward use (a cycle) fails unless it is listed in <see cref="KnownUpwardUses"/>; the list must match the code
/// exactly, so removing one means deleting its line there.
/// </summary>
public sealed class NamespaceLayeringTests
{
    public static readonly string[] Layers = ["Hosting", "Functions", "Services", "Attachments", "Api", "Storage", "Tickets", "Catalog", "Auth", "OpenApi", "Settings"];

    /// <summary>The uses that point up, with why. Empty: each entry would be a cycle waiting for its split, not an allowance to grow.</summary>
    public static readonly Dictionary<(string From, string To), string> KnownUpwardUses = new();

    private static readonly string SourceFolder = Path.Combine(FindRepoRoot(), "TicketingFunctions");

    private static Dictionary<(string From, string To), string> Edges() =>
        NamespaceDependencies.Edges(MethodBodies.Product, SourceFolder);

    [Fact]
    public void Every_top_level_namespace_has_a_layer()
    {
        var namespaces = MethodBodies.Product.GetTypes().Select(NamespaceDependencies.TopLevelOf).OfType<string>().Distinct().Order();
        Assert.Equal(Layers.Order(), namespaces);
    }

    [Fact]
    public void No_namespace_uses_one_above_it_except_the_known_cycles()
    {
        var upward = Edges()
            .Where(e => Array.IndexOf(Layers, e.Key.To) < Array.IndexOf(Layers, e.Key.From))
            .ToDictionary(e => e.Key, e => e.Value);

        var unexpected = upward.Where(e => !KnownUpwardUses.ContainsKey(e.Key)).Select(e => $"{e.Key.From} → {e.Key.To}: {e.Value}").ToList();
        Assert.True(unexpected.Count == 0, "Uses of a namespace above (each closes a cycle):\n" + string.Join("\n", unexpected));
        var gone = KnownUpwardUses.Keys.Where(k => !upward.ContainsKey(k)).Select(k => $"{k.From} → {k.To}").ToList();
        Assert.True(gone.Count == 0, "No longer used, delete from KnownUpwardUses: " + string.Join(", ", gone));
    }

    [Fact]
    public void Without_the_known_upward_uses_the_namespaces_form_no_cycle()
    {
        var edges = Edges().Keys.Where(e => !KnownUpwardUses.ContainsKey(e)).ToList();
        Assert.Null(NamespaceDependencies.FindCycle(edges));
        // The detector finds a cycle when there is one.
        Assert.Equal("Api → Storage → Api", NamespaceDependencies.FindCycle([("Storage", "Api"), ("Api", "Storage")]));
    }

    [Fact]
    public void Storage_reaches_no_layer_above_it()
    {
        var uses = Edges().Where(e => e.Key.From == "Storage").Select(e => e.Key.To).Order().ToList();
        Assert.Equal(["Catalog", "Settings", "Tickets"], uses);
    }

    [Fact]
    public void The_reader_sees_a_use_inside_an_async_body_and_a_using_directive()
    {
        // What made Storage → Api: CosmosTicketStore's listing (an async state machine) called TicketListJson.ReadWithoutData.
        // The same call site now calls Storage's TicketWithoutData.Read, and the reader finds it there.
        var read = typeof(TicketingFunctions.Storage.TicketWithoutData).GetMethod(nameof(TicketingFunctions.Storage.TicketWithoutData.Read), [typeof(System.Text.Json.JsonElement)]);
        Assert.Contains(MethodBodies.All(MethodBodies.Product)
            .Where(m => MethodBodies.OwnerOf(m.DeclaringType!) == typeof(TicketingFunctions.Storage.CosmosTicketStore))
            .SelectMany(MethodBodies.MembersUsedBy), m => m == read);

        var folder = Directory.CreateTempSubdirectory().FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "X.cs"), "using TicketingFunctions.Api;\n\nnamespace TicketingFunctions.Storage;\n");
            var fromSource = NamespaceDependencies.Edges(typeof(NamespaceLayeringTests).Assembly, folder);
            Assert.Equal("X.cs has using TicketingFunctions.Api", fromSource[("Storage", "Api")]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TicketingFunctions.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No TicketingFunctions.sln in {AppContext.BaseDirectory} or above it.");
    }
}
