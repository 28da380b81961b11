using System.Diagnostics;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace TicketingFunctions.Hosting;

/// <summary>
/// Maps every <c>[Function]</c> with an <c>[HttpTrigger]</c> to an ASP.NET Core endpoint, so the same
/// function classes serve requests without the Functions host. Reflection runs once, at start-up: each
/// function becomes a compiled delegate.
/// </summary>
public static class FunctionEndpoints
{
    public sealed record HttpFunction(string Name, string Route, IReadOnlyList<string> Methods, MethodInfo Method);

    private delegate Task<IActionResult> Invoker(object instance, HttpRequest request, RouteValueDictionary routeValues, CancellationToken cancellationToken);

    /// <summary>The HTTP functions of an assembly, with routes as declared on their triggers.</summary>
    public static IReadOnlyList<HttpFunction> Discover(Assembly assembly)
    {
        var functions = new List<HttpFunction>();
        foreach (var type in assembly.GetTypes())
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            var function = method.GetCustomAttribute<FunctionAttribute>();
            if (function is null) continue;
            var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);
            if (trigger is null) continue;
            var methods = (trigger.Methods ?? ["get", "post", "put", "patch", "delete"]).Select(m => m.ToUpperInvariant()).ToArray();
            functions.Add(new HttpFunction(function.Name, trigger.Route ?? function.Name, methods, method));
        }
        return functions;
    }

    /// <summary>The route prefix from host.json (extensions.http.routePrefix), "api" by default.</summary>
    public static string ReadRoutePrefix(string hostJsonPath)
    {
        if (!File.Exists(hostJsonPath)) return "api";
        using var doc = JsonDocument.Parse(File.ReadAllText(hostJsonPath), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return doc.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            && prefix.ValueKind == JsonValueKind.String
            ? prefix.GetString()!.Trim('/')
            : "api";
    }

    public static void MapHttpFunctions(this WebApplication app, Assembly assembly, string routePrefix)
    {
        foreach (var function in Discover(assembly))
        {
            // Signatures are checked now; the delegates are compiled at each function's first request, so start-up
            // doesn't pay for endpoints nobody has called yet.
            CheckSignature(function.Method);
            var factory = new Lazy<ObjectFactory>(() => ActivatorUtilities.CreateFactory(function.Method.DeclaringType!, Type.EmptyTypes));
            var invoke = new Lazy<Invoker>(() => Compile(function.Method));
            var pattern = routePrefix.Length == 0 ? function.Route : $"{routePrefix}/{function.Route}";
            app.MapMethods("/" + pattern, function.Methods, async context =>
            {
                var instance = factory.Value(context.RequestServices, null);
                var result = await invoke.Value(instance, context.Request, context.Request.RouteValues, context.RequestAborted);
                // The product's results are also IResults: no MVC ActionContext (and its descriptor) per request.
                if (result is IResult direct) await direct.ExecuteAsync(context);
                else await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
            }).WithDisplayName(function.Name);
        }
    }

    /// <summary>
    /// (instance, request, routeValues, ct) => ((T)instance).Method(request, (string)routeValues["name"], …, ct).
    /// Parameters bind by type (HttpRequest, CancellationToken) or, for strings, by route value name.
    /// </summary>
    private static void CheckSignature(MethodInfo method)
    {
        if (method.ReturnType != typeof(Task<IActionResult>))
            throw new InvalidOperationException($"{method.DeclaringType!.Name}.{method.Name} must return Task<IActionResult> to run under both hosts.");
        foreach (var p in method.GetParameters())
            if (p.ParameterType != typeof(HttpRequest) && p.ParameterType != typeof(CancellationToken) && p.ParameterType != typeof(string))
                throw new InvalidOperationException($"Parameter {p.Name} of {method.Name} can't be bound without the Functions host.");
    }

    private static Invoker Compile(MethodInfo method)
    {
        var instance = Expression.Parameter(typeof(object), "instance");
        var request = Expression.Parameter(typeof(HttpRequest), "request");
        var routeValues = Expression.Parameter(typeof(RouteValueDictionary), "routeValues");
        var cancellation = Expression.Parameter(typeof(CancellationToken), "cancellationToken");
        var routeValue = typeof(FunctionEndpoints).GetMethod(nameof(RouteValue), BindingFlags.NonPublic | BindingFlags.Static)!;

        var arguments = method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => (Expression)request,
            var t when t == typeof(CancellationToken) => cancellation,
            var t when t == typeof(string) => Expression.Call(routeValue, routeValues, Expression.Constant(p.Name)),
            _ => throw new UnreachableException($"CheckSignature lets no {p.ParameterType.Name} parameter through."),
        });
        var call = Expression.Call(Expression.Convert(instance, method.DeclaringType!), method, arguments);
        return Expression.Lambda<Invoker>(call, instance, request, routeValues, cancellation).Compile();
    }

    private static string RouteValue(RouteValueDictionary values, string name) =>
        values.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";
}
