using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PuppeteerSharp;
using TicketingFunctions.Tests.Http;
using TicketingFunctions.Tests.Observability;

namespace TicketingFunctions.Tests.FirstHour;

/// <summary>
/// <c>/api/docs</c> in a real browser: Debian's headless Chromium (installed by .ci/run; nothing is downloaded, PuppeteerSharp
/// only drives the installed one) on the standalone host on a loopback port. The page loads without a failed request
/// or a script error, lists every operation of the served document, and Swagger UI's own "try it" flow (Authorize with a
/// dev token, Try it out, Execute) gets a 200 from ticket-type, which the server's request log also shows.
/// Every wait polls the page's state with a bound; none is a sleep.
/// </summary>
public sealed class ApiDocsBrowserTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private const string TicketTypes = "#operations-catalog-listTicketTypes";
    private const string CorrelationId = "docs-browser-try-it";

    /// <summary>Debian's chromium, or the browser named by CHROMIUM_PATH.</summary>
    private static string Chromium()
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } set ? set : "/usr/bin/chromium";
        if (!File.Exists(path))
            Assert.Fail($"No Chromium at {path}: install Debian's package (apt-get install -y chromium; .ci/run does), or set CHROMIUM_PATH.");
        return path;
    }

    [Fact]
    public async Task The_page_loads_cleanly_lists_every_operation_and_try_it_on_ticket_type_answers_200()
    {
        var chromium = Chromium();
        var logs = new CapturingLoggerProvider();
        await using var api = await TestApi.StartOnLoopbackAsync(
            settings => settings["ApiDocs:Enabled"] = "true",
            services => services.AddLogging(b => b.AddProvider(logs)));
        var token = api.Token();

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // Root in CI containers has no user namespace for the sandbox; /dev/shm is small there.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
            Timeout = (int)Bound.TotalMilliseconds,
        });
        await using var page = await browser.NewPageAsync();
        page.DefaultTimeout = (int)Bound.TotalMilliseconds;
        var failures = new ConcurrentQueue<string>();
        page.RequestFailed += (_, e) => failures.Enqueue($"failed: {e.Request.Method} {e.Request.Url} {e.Request.FailureText}");
        page.Response += (_, e) =>
        {
            // The try-it call is judged on its own below; every request of the page itself must succeed.
            if ((int)e.Response.Status >= 400) failures.Enqueue($"{(int)e.Response.Status}: {e.Response.Request.Method} {e.Response.Url}");
        };
        page.PageError += (_, e) => failures.Enqueue($"page error: {e.Message}");
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error) failures.Enqueue($"console error: {e.Message.Text}");
        };

        // The page and everything it loads.
        var docs = new Uri(api.BaseAddress, "/api/docs");
        var loaded = await page.GoToAsync(docs.AbsoluteUri, new NavigationOptions { WaitUntil = [WaitUntilNavigation.Networkidle0] });
        Assert.Equal(System.Net.HttpStatusCode.OK, loaded.Status);
        await page.WaitForSelectorAsync(TicketTypes);

        // Every operation of the served document is listed (Swagger UI's ids are operations-<tag>-<operationId>).
        var operationIds = await OperationIdsAsync(api);
        var listed = await page.EvaluateExpressionAsync<string[]>("[...document.querySelectorAll('.opblock')].map(e => e.id)");
        Assert.NotEmpty(operationIds);
        Assert.All(operationIds, id => Assert.Contains(listed, e => e.EndsWith("-" + id, StringComparison.Ordinal)));
        Assert.True(failures.IsEmpty, "while loading: " + string.Join("; ", failures));

        // Authorize: the realm bearer scheme, with a dev token.
        await page.ClickAsync(".auth-wrapper .authorize");
        await page.WaitForSelectorAsync(".modal-ux .auth-container input");
        var schemes = await page.EvaluateExpressionAsync<string[]>("[...document.querySelectorAll('.auth-container')].map(c => c.querySelector('h4, code')?.textContent ?? '')");
        var bearerIndex = Array.FindIndex(schemes, s => s.Contains("bearerAuth", StringComparison.Ordinal));
        Assert.True(bearerIndex >= 0, "schemes in the Authorize dialog: " + string.Join(", ", schemes));
        var containers = await page.QuerySelectorAllAsync(".auth-container");
        await (await containers[bearerIndex].QuerySelectorAsync("input"))!.TypeAsync(token);
        // One Authorize button submits the dialog's form (every non-OAuth scheme of the document shares it).
        await page.ClickAsync(".modal-ux button.authorize");
        await UntilAsync(page, $"() => [...document.querySelectorAll('.auth-container')][{bearerIndex}].textContent.includes('Authorized')", ".modal-ux");
        await page.ClickAsync(".modal-ux .btn-done");
        await page.WaitForFunctionAsync("() => document.querySelector('.modal-ux') === null");

        // Try it out: expand ticket-type, fill its headers, execute.
        await page.ClickAsync($"{TicketTypes} .opblock-summary-control");
        await page.WaitForSelectorAsync($"{TicketTypes} .try-out__btn");
        await page.ClickAsync($"{TicketTypes} .try-out__btn");
        await ReplaceAsync(page, $"{TicketTypes} tr[data-param-name='x-tenantid'] input", TestApi.Tenant);
        await ReplaceAsync(page, $"{TicketTypes} tr[data-param-name='realmname'] input", TestApi.Realm);
        await ReplaceAsync(page, $"{TicketTypes} tr[data-param-name='x-correlation-id'] input", CorrelationId);
        await page.ClickAsync($"{TicketTypes} .btn.execute");

        // The status Swagger UI shows for the live response.
        const string liveResponse = $"{TicketTypes} .live-responses-table tbody .response";
        await UntilAsync(page, $"() => /^[0-9]{{3}}$/.test(document.querySelector(\"{liveResponse} .response-col_status\")?.textContent.trim() ?? '')", TicketTypes);
        var shown = await page.EvaluateExpressionAsync<string>($"document.querySelector(\"{liveResponse} .response-col_status\").textContent.trim()");
        var body = await page.EvaluateExpressionAsync<string>($"document.querySelector(\"{liveResponse} .response-col_description\").textContent");
        Assert.True(shown == "200", $"Swagger UI shows {shown}: {body}");
        Assert.Contains("Hardware Request", body);

        // The server saw the same call, with the token, and answered 200 (its request log line is written once the
        // response completed, so possibly after the page shows it).
        var served = await logs.LineAsync(l => l.Contains("RequestLog", StringComparison.Ordinal)
                                               && l.Contains($"[CorrelationId={CorrelationId}]", StringComparison.Ordinal), Bound);
        Assert.Contains("[Status=200]", served);
        Assert.Contains("[Method=GET]", served);
        Assert.Contains("[Route=/api/v2/ticketing/ticket-type]", served);
        Assert.Single(logs.Lines, l => l.Contains("RequestLog", StringComparison.Ordinal) && l.Contains($"[CorrelationId={CorrelationId}]", StringComparison.Ordinal));
        Assert.True(failures.IsEmpty, "after try it: " + string.Join("; ", failures));
    }

    /// <summary>Waits until <paramref name="predicate"/> holds; on a timeout, the message shows the part of the page concerned.</summary>
    private static async Task UntilAsync(IPage page, string predicate, string shown)
    {
        try { await page.WaitForFunctionAsync(predicate); }
        catch (WaitTaskTimeoutException)
        {
            var html = await page.EvaluateFunctionAsync<string>("s => document.querySelector(s)?.outerHTML ?? '(absent)'", shown);
            Assert.Fail($"The page never satisfied {predicate}. {shown}: {html}");
        }
    }

    /// <summary>Types into an input as a person would, replacing what Swagger UI pre-filled from the document's example.</summary>
    private static async Task ReplaceAsync(IPage page, string selector, string text)
    {
        var input = await page.WaitForSelectorAsync(selector);
        await input.ClickAsync(new PuppeteerSharp.Input.ClickOptions { Count = 3 });
        await page.Keyboard.PressAsync("Backspace");
        await input.TypeAsync(text);
        await page.WaitForFunctionAsync("(s, t) => document.querySelector(s)?.value === t", selector, text);
    }

    private static async Task<List<string>> OperationIdsAsync(TestApi api)
    {
        using var document = JsonDocument.Parse(await api.Client.GetStringAsync("/api/openapi.json"));
        return document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject())
            .Where(op => op.Value.ValueKind == JsonValueKind.Object && op.Value.TryGetProperty("operationId", out _))
            .Select(op => op.Value.GetProperty("operationId").GetString()!)
            .ToList();
    }
}
