using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TicketingFunctions.Hosting;

/// <summary>The API on plain Kestrel, for machines without Functions Core Tools, and for tests and benchmarks.</summary>
public static class StandaloneHost
{
    public const string DefaultUrl = "http://localhost:7071";

    /// <param name="overrides">Settings that win over every other source (tests, benchmarks).</param>
    public static WebApplicationBuilder CreateBuilder(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        AddLocalSettings(builder.Configuration, builder.Environment);
        LoggingDefaults.AddTo(builder.Configuration);
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.Services.AddTicketing(builder.Configuration);
        // The slim builder's AddSimpleConsole names its formatter in code, after configuration is bound: without this a
        // configured Logging:Console:FormatterName (json, systemd) would be ignored, as the docs say it is not.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(options =>
        {
            if (builder.Configuration["Logging:Console:FormatterName"] is { Length: > 0 } name) options.FormatterName = name;
        });
        // The slim builder's console log, the same lines for less CPU per line (two lines per create).
        BatchingConsoleLoggerProvider.UseInsteadOfConsoleProvider(builder.Services);
        builder.Services.AddBrowserCors(builder.Configuration);
        // Under the Functions host the timer function runs the events' pass; here this does.
        builder.Services.AddHostedService<EventMaintenanceService>();
        builder.Services.AddHostedService<WebhookDeliveryService>();
        // The slim builder leaves out the regex route constraint, which Routes.Ticket uses (the Functions host has it).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteOptions>(o =>
            o.SetParameterPolicy<Microsoft.AspNetCore.Routing.Constraints.RegexInlineRouteConstraint>("regex"));
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        // Every answer the app gives carries a correlation id, also routing's own 404 and 405 and CORS preflights;
        // RequestPipeline reuses it for the functions (under the Functions host it makes its own).
        app.Use(next => context =>
        {
            context.Response.Headers[Functions.RequestPipeline.CorrelationHeader] = Functions.RequestPipeline.CorrelationIdOf(context.Request);
            return next(context);
        });
        var routePrefix = FunctionEndpoints.ReadRoutePrefix(Path.Combine(AppContext.BaseDirectory, "host.json"));
        var templates = FunctionEndpoints.Discover(typeof(StandaloneHost).Assembly)
            .ToDictionary(f => f.Name, f => RequestLog.Template(routePrefix, f.Route), StringComparer.Ordinal);
        var requestLog = app.Services.GetRequiredService<RequestLog>();
        // One delegate for every request (a lambda written inside the middleware was a new one per request).
        Func<HttpContext, string> routeOf = c => c.GetEndpoint()?.DisplayName is { } name && templates.TryGetValue(name, out var template) ? template : RequestLog.NoRoute;
        app.Use(next => context =>
        {
            requestLog.Track(context, routeOf);
            return next(context);
        });
        app.UseBrowserCors();
        app.MapHttpFunctions(typeof(StandaloneHost).Assembly, routePrefix);
        return app;
    }

    /// <summary>
    /// local.settings.json's Values sit below environment variables and the command line, as under the
    /// Functions host. In Development with no such file, the sample settings (with the local-only dev key) apply.
    /// </summary>
    private static void AddLocalSettings(ConfigurationManager configuration, IHostEnvironment environment)
    {
        var path = LocalSettings.Find()
            ?? (environment.IsDevelopment() ? LocalSettings.Find(LocalSettings.SampleFileName) : null);
        if (path is null) return;
        var source = new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = LocalSettings.Read(path) };
        ((IConfigurationBuilder)configuration).Sources.Insert(0, source);
    }

    public static void PrintWelcome(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TicketingFunctions");
        if (app.Environment.IsDevelopment() && string.IsNullOrWhiteSpace(app.Configuration["Auth:DevSigningKey"]))
            logger.LogWarning("No dev signing key: dev-token can't sign and dev tokens are refused. Set Auth__DevSigningKey (base64, 32+ bytes; local.settings.sample.json has a local-only one).");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = string.Join(", ", app.Urls);
            Console.WriteLine($"""

                TicketingFunctions is listening on {urls} (standalone host, {(app.Configuration["CosmosDb:Endpoint"] is { Length: > 0 } ? "Cosmos DB store" : "embedded store")}).
                Get a token for the sample tenant:
                  dotnet run --project TicketingFunctions -- dev-token --tenant 820188ff-2036-4924-b80f-d11610735d86 --roles ticket_user --teams james --scope "tickets:read tickets:write"
                Then: curl -H "Authorization: Bearer $TOKEN" -H "x-tenantid: 820188ff-2036-4924-b80f-d11610735d86" -H "realmname: demo" {app.Urls.FirstOrDefault() ?? DefaultUrl}/api/v2/ticketing/ticket-type

                """);
            logger.LogDebug("Started");
        });
    }
}
