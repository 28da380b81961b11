using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TicketingFunctions.Client;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Docs;

/// <summary>
/// docs/api.md's typed-client program, compiled as written (its own using lines, plus the implicit usings of a
/// <c>dotnet new console</c> project) against the client assembly, then run against the standalone host.
/// </summary>
public sealed class TypedClientSnippetTests
{
    // What Microsoft.NET.Sdk's ImplicitUsings adds to a console project.
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private static string Snippet()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docs", "api.md"));
        var section = doc[doc.IndexOf("### A typed client", StringComparison.Ordinal)..];
        return Regex.Match(section, @"```csharp\n(.*?)\n```", RegexOptions.Singleline).Groups[1].Value;
    }

    private static (Assembly? Assembly, string[] Errors) Compile(string program)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(TicketingClient).Assembly.Location).Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Snippet",
            [CSharpSyntaxTree.ParseText(ImplicitUsings), CSharpSyntaxTree.ParseText(program)], references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error || d.Id.StartsWith("CS86", StringComparison.Ordinal))
            .Select(d => d.ToString()).ToArray();
        return (emitted.Success ? Assembly.Load(image.ToArray()) : null, errors);
    }

    [Fact]
    public void The_snippet_has_its_using_lines_and_compiles_without_errors_or_nullable_warnings()
    {
        var snippet = Snippet();
        Assert.StartsWith("using TicketingFunctions.Client;", snippet);

        var (assembly, errors) = Compile(snippet);

        Assert.Empty(errors);
        Assert.NotNull(assembly);
    }

    [Fact]
    public void A_snippet_that_does_not_compile_is_caught()
    {
        var (_, errors) = Compile(Snippet().Replace("using TicketingFunctions.Client.Models;\n", ""));

        Assert.Contains(errors, e => e.Contains("ValidationError", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_snippet_runs_against_the_standalone_host()
    {
        await using var api = await TestApi.StartOnLoopbackAsync();
        var program = Snippet()
            .Replace("new Uri(\"http://localhost:7071/api\")", $"new Uri(\"{new Uri(api.BaseAddress, "/api")}\")")
            .Replace("Environment.GetEnvironmentVariable(\"TENANT\")!", $"\"{TestApi.Tenant}\"")
            .Replace("Environment.GetEnvironmentVariable(\"TOKEN\")!", $"\"{api.Token()}\"")
            // What it prints, kept in the program instead of on the console, which other tests capture.
            .Replace("Console.WriteLine(", "SnippetOutput.Lines.Add(")
            + "\nstatic class SnippetOutput { public static readonly List<string> Lines = new(); }\n";
        Assert.DoesNotContain("localhost:7071", program);
        var (assembly, errors) = Compile(program);
        Assert.Empty(errors);

        // The async body of the top-level statements (the entry point itself is a synchronous wrapper that blocks on it).
        var main = assembly!.GetType("Program")!.GetMethod("<Main>$", BindingFlags.NonPublic | BindingFlags.Static)!;
        await Task.Run(() => (Task)main.Invoke(null, [Array.Empty<string>()])!);
        var output = string.Join('\n', (List<string>)assembly.GetType("SnippetOutput")!.GetField("Lines")!.GetValue(null)!);

        // The 400's reasons and the 404's message, as the server wrote them.
        Assert.Contains("summary: ", output);
        Assert.Contains("Ticket not found", output);
    }
}
