using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Docs;

/// <summary>
/// TicketingFunctions/TicketingFunctions.http, request by request and in order, against the standalone host: each
/// answers 2xx (or the status its <c># @expect</c> line names), with the file's variables set to the test host and
/// its tokens, and values captured from earlier answers (<c># @name</c>, <c>{{name.response.body.$.x}}</c>) as
/// REST Client and Visual Studio substitute them. The display ids it produces are the ones the docs show.
/// </summary>
public sealed class HttpFileTests
{
    private static string HttpFile => Path.Combine(RepositoryFiles.Root, "TicketingFunctions", "TicketingFunctions.http");

    [Fact]
    public async Task Every_request_of_the_http_file_answers_as_it_says_in_order()
    {
        await using var api = await TestApi.StartAsync();
        var file = HttpFileParser.Parse(await File.ReadAllTextAsync(HttpFile));
        var variables = new Dictionary<string, string>(file.Variables)
        {
            ["host"] = api.BaseAddress.ToString().TrimEnd('/'),
            ["tenant"] = TestApi.Tenant,
            ["token"] = api.Token(),
            ["agentToken"] = api.Token(roles: "ticket_agent", teams: "james,facilities", username: "agent.smith"),
        };
        Assert.Equal(TestApi.Tenant, file.Variables["tenant"]);
        var answers = new Dictionary<string, JsonElement>();
        var created = new List<string>();

        foreach (var request in file.Requests)
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), HttpFileParser.Substitute(request.Url, variables, answers));
            string? contentType = null;
            foreach (var (name, value) in request.Headers)
            {
                var text = HttpFileParser.Substitute(value, variables, answers);
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) contentType = text;
                else Assert.True(message.Headers.TryAddWithoutValidation(name, text), $"{request.Title}: header {name}");
            }
            if (request.Body is not null)
            {
                message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(HttpFileParser.Substitute(request.Body, variables, answers)));
                message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            using var response = await api.Client.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();

            if (request.Expect is { } expected) Assert.True((int)response.StatusCode == expected, $"{request.Title}: {(int)response.StatusCode} {body}");
            else Assert.True(response.IsSuccessStatusCode, $"{request.Title}: {(int)response.StatusCode} {body}");
            if (response.StatusCode == HttpStatusCode.OK && request.Url.Contains("/ticket/create/")) created.Add(JsonDocument.Parse(body).RootElement.GetProperty("objectId").GetString()!);
            if (request.Name is not null) answers[request.Name] = JsonDocument.Parse(body).RootElement.Clone();
        }

        // The README's tickets, then docs/api.md's: the ids the docs name are the ones a fresh API gives in this order.
        Assert.Equal(["CTC-0001", "CTC-0002", "REQ-0001", "CTC-0003", "CTC-0004"], created);
        var apiDoc = await File.ReadAllTextAsync(Path.Combine(RepositoryFiles.Root, "docs", "api.md"));
        Assert.Contains("(CTC-0003 here, after the README's walk-through)", apiDoc);
        Assert.Contains("# CTC-0004 is a part of CTC-0001", apiDoc);
    }

    [Fact]
    public void The_parser_reads_names_expectations_headers_bodies_and_captured_values()
    {
        var file = HttpFileParser.Parse("@host = http://h\n\n### One\n# @name first\n# @expect 412\nPOST {{host}}/a\nX-A: 1\n\n{\"b\":2}\n\n### Two\nGET {{host}}/b/{{first.response.body.$.x.y}}\n");
        var answers = new Dictionary<string, JsonElement> { ["first"] = JsonDocument.Parse("{\"x\":{\"y\":\"Z\"}}").RootElement };

        Assert.Equal(("first", 412, "POST", "{\"b\":2}"), (file.Requests[0].Name, file.Requests[0].Expect, file.Requests[0].Method, file.Requests[0].Body));
        Assert.Equal([("X-A", "1")], file.Requests[0].Headers);
        Assert.Null(file.Requests[1].Body);
        Assert.Equal("http://h/b/Z", HttpFileParser.Substitute(file.Requests[1].Url, file.Variables, answers));
        Assert.Throws<InvalidOperationException>(() => HttpFileParser.Substitute("{{nope}}", file.Variables, answers));
    }
}

/// <summary>The part of the .http format (VS Code REST Client, Visual Studio) that TicketingFunctions.http uses.</summary>
public static partial class HttpFileParser
{
    public sealed record Request(string Title, string? Name, int? Expect, string Method, string Url, List<(string Name, string Value)> Headers, string? Body);

    public sealed record File(Dictionary<string, string> Variables, List<Request> Requests);

    public static File Parse(string text)
    {
        var variables = new Dictionary<string, string>();
        var requests = new List<Request>();
        var blocks = Regex.Split(text.Replace("\r\n", "\n"), @"^###", RegexOptions.Multiline);
        foreach (var line in blocks[0].Split('\n'))
            if (VariableLine().Match(line) is { Success: true } v) variables[v.Groups[1].Value] = v.Groups[2].Value.Trim();
        foreach (var block in blocks.Skip(1))
        {
            var lines = block.Split('\n');
            string title = lines[0].Trim(), method = "", url = "";
            string? name = null;
            int? expect = null;
            var headers = new List<(string, string)>();
            var i = 1;
            for (; i < lines.Length && method == ""; i++)
            {
                var line = lines[i].Trim();
                if (line.StartsWith("# @name ", StringComparison.Ordinal)) name = line["# @name ".Length..].Trim();
                else if (line.StartsWith("# @expect ", StringComparison.Ordinal)) expect = int.Parse(line["# @expect ".Length..]);
                else if (line.Length > 0 && !line.StartsWith('#'))
                {
                    var parts = line.Split(' ', 2);
                    (method, url) = (parts[0], parts[1].Trim());
                }
            }
            for (; i < lines.Length && lines[i].Trim().Length > 0; i++)
            {
                var colon = lines[i].IndexOf(':');
                headers.Add((lines[i][..colon].Trim(), lines[i][(colon + 1)..].Trim()));
            }
            var body = string.Join('\n', lines.Skip(i)).Trim();
            requests.Add(new Request(title, name, expect, method, url, headers, body.Length == 0 ? null : body));
        }
        return new File(variables, requests);
    }

    /// <summary>Replaces <c>{{variable}}</c> and <c>{{name.response.body.$.a.b}}</c>; an unknown one is an error, not left in.</summary>
    public static string Substitute(string text, IReadOnlyDictionary<string, string> variables, IReadOnlyDictionary<string, JsonElement> answers) =>
        Placeholder().Replace(text, m =>
        {
            var key = m.Groups[1].Value.Trim();
            if (variables.TryGetValue(key, out var value)) return value;
            var captured = Regex.Match(key, @"^(\w+)\.response\.body\.\$\.(.+)$");
            if (captured.Success && answers.TryGetValue(captured.Groups[1].Value, out var element))
            {
                foreach (var property in captured.Groups[2].Value.Split('.')) element = element.GetProperty(property);
                return element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
            }
            throw new InvalidOperationException($"{{{{{key}}}}} is neither a variable nor a value of an earlier named answer");
        });

    [GeneratedRegex(@"^@(\w+)\s*=(.*)$")]
    private static partial Regex VariableLine();

    [GeneratedRegex(@"\{\{(.+?)\}\}")]
    private static partial Regex Placeholder();
}
