using System.Reflection;
using System.Text.RegularExpressions;

namespace TicketingFunctions.Tests.Architecture;

/// <summary>
/// Which of the product's top-level namespaces (<c>TicketingFunctions.X</c>, its sub-namespaces counted as X) uses which,
/// read from the compiled assembly: every type's base type, interfaces, attributes, fields, properties, events, method
/// and constructor signatures, and every type, method and field a method body names (its IL, lambdas' and async state
/// machines' included, as they are nested types of the code they come from). Added to that, each source file's
/// <c>using TicketingFunctions.X;</c> directives, because what the compiler inlines (constants, <c>nameof</c>) leaves no
/// trace in IL.
/// </summary>
public static partial class NamespaceDependencies
{
    private const string Root = "TicketingFunctions";

    /// <summary>The top-level namespace of a type of the product (its nested types share their outer type's), else null.</summary>
    public static string? TopLevelOf(Type? type)
    {
        while (type is { IsNested: true }) type = type.DeclaringType;
        var ns = type?.Namespace;
        if (ns is null || type!.Assembly != MethodBodies.Product || !ns.StartsWith(Root + ".", StringComparison.Ordinal)) return null;
        var rest = ns[(Root.Length + 1)..];
        var dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    /// <summary>Each edge "from → to" between two different top-level namespaces, with the first use found that makes it.</summary>
    public static Dictionary<(string From, string To), string> Edges(Assembly assembly, string? sourceFolder)
    {
        var edges = new Dictionary<(string, string), string>();
        foreach (var type in assembly.GetTypes())
        {
            if (TopLevelOf(type) is not { } from) continue;
            foreach (var (used, via) in UsesOf(type))
                foreach (var usedType in Expand(used))
                    if (TopLevelOf(usedType) is { } to && to != from)
                        edges.TryAdd((from, to), $"{type.FullName} uses {usedType.FullName} ({via})");
        }
        if (sourceFolder is not null)
            foreach (var file in Directory.EnumerateFiles(sourceFolder, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(sourceFolder, file);
                if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal)) continue;
                var text = File.ReadAllText(file);
                if (FileNamespace().Match(text) is not { Success: true } declared) continue;
                var from = declared.Groups[1].Value;
                foreach (Match directive in UsingDirective().Matches(text))
                    if (directive.Groups[1].Value is var to && to != from)
                        edges.TryAdd((from, to), $"{relative} has using {Root}.{to}");
            }
        return edges;
    }

    /// <summary>A cycle among the edges, as "A → B → … → A", or null when the graph has none.</summary>
    public static string? FindCycle(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).Order().ToList());
        var state = new Dictionary<string, int>(); // 1 on the path, 2 done
        var path = new List<string>();
        string? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var to in next.GetValueOrDefault(node, []))
            {
                if (state.GetValueOrDefault(to) == 1) return string.Join(" → ", [.. path[path.IndexOf(to)..], to]);
                if (state.GetValueOrDefault(to) == 0 && Visit(to) is { } cycle) return cycle;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in next.Keys.Order())
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        return null;
    }

    private const BindingFlags Declared = MethodBodies.Declared;

    private static IEnumerable<(Type Type, string Via)> UsesOf(Type type)
    {
        if (type.BaseType is { } baseType) yield return (baseType, "base type");
        foreach (var i in type.GetInterfaces()) yield return (i, "interface");
        foreach (var a in type.CustomAttributes) yield return (a.AttributeType, "attribute");
        foreach (var f in type.GetFields(Declared)) yield return (f.FieldType, $"field {f.Name}");
        foreach (var p in type.GetProperties(Declared)) yield return (p.PropertyType, $"property {p.Name}");
        foreach (var e in type.GetEvents(Declared)) if (e.EventHandlerType is { } handler) yield return (handler, $"event {e.Name}");
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo m) yield return (m.ReturnType, $"{method.Name}'s return type");
            foreach (var parameter in method.GetParameters()) yield return (parameter.ParameterType, $"{method.Name}'s parameter {parameter.Name}");
            foreach (var a in method.CustomAttributes) yield return (a.AttributeType, $"{method.Name}'s attribute");
            foreach (var member in MethodBodies.MembersUsedBy(method))
                foreach (var used in MethodBodies.TypesOf(member)) yield return (used, $"{method.Name}'s body");
        }
    }

    /// <summary>A type with what it is made of: element types, generic arguments.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.HasElementType) return Expand(type.GetElementType()!);
        if (type.IsGenericParameter) return [];
        return type.IsConstructedGenericType ? [type, .. type.GetGenericArguments().SelectMany(Expand)] : [type];
    }

    [GeneratedRegex(@"^namespace TicketingFunctions\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"^using TicketingFunctions\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();
}
