using System.Net;
using System.Text;
using System.Text.Json;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Security;

/// <summary>
/// Thousands of mutated requests, from a fixed seed so every run sends the same ones. No answer may be a 5xx,
/// and every body must be one of the documented shapes.
/// </summary>
public sealed class FuzzTests
{
    private const int Seed = 20261128;
    private const int Requests = 3000;

    private static readonly string[] Bases =
    [
        Bodies.ContractExample,
        """{"source":"api","summary":"Outage","ticketBody":{"offerId":"23630","93aabbc9-fd45-407d-8569-b140bf9cc6a7":7,"5b53c791-e047-40e8-9e88-bae13f153cc3":"2025-07-10T12:34:56.789Z","e2b7f0c4-8d1a-4b6e-a3c9-5f2d7e1b9a08":["vpn"],"4d9e2a71-6c3b-4f8e-b0d5-8a1c7e3f2b64":true,"c0a8d5e2-4f0b-4a53-9d55-2b7c61a0e9f1":"a@b.co"},"attachments":{"f":{"n":1}},"ticketRelation":{"parent":"CTC-0001"}}""",
    ];

    private static readonly string[] Weird =
    [
        "null", "true", "0", "-0", "1e400", "-1e400", "123456789012345678901234567890", "0.0000000000000000000000001", "\"\"", "\"\\ud800\"", "\"\\udc00x\"",
        "[]", "{}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "\"<script>alert(1)</script>\"", "\"\\u0000\"",
        "{\"a\":1,\"a\":2}", "\"2025-02-30\"", "NaN", "\"" + new string('x', 5000) + "\"", "[\"vpn\",\"vpn\",7]",
    ];

    private static readonly string[] Keys = ["source", "summary", "ticketBody", "attachments", "ticketRelation", "offerId",
        "ab13e5d1-9b9d-4c3e-8fc4-e86912c8cb53", "93aabbc9-fd45-407d-8569-b140bf9cc6a7", "5b53c791-e047-40e8-9e88-bae13f153cc3", "__proto__", ""];

    private static string MutateBody(Random random, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body).ToList();
        switch (random.Next(9))
        {
            case 0: // random bytes
                for (var i = random.Next(1, 8); i > 0; i--) bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                return Encoding.Latin1.GetString(bytes.ToArray());
            case 1: // truncation
                return body[..random.Next(body.Length)];
            case 2: // a value of the wrong type
            case 3:
            {
                var key = Keys[random.Next(Keys.Length)];
                var at = body.IndexOf($"\"{key}\":", StringComparison.Ordinal);
                if (at < 0) return body;
                var start = at + key.Length + 3;
                var end = start;
                var depth = 0;
                for (; end < body.Length; end++)
                {
                    var c = body[end];
                    if (c is '{' or '[') depth++;
                    else if (c is '}' or ']') { if (depth == 0) break; depth--; }
                    else if (c == ',' && depth == 0) break;
                }
                return body[..start] + Weird[random.Next(Weird.Length)] + body[end..];
            }
            case 4: // duplicate a key
            {
                var key = Keys[random.Next(Keys.Length)];
                var at = body.IndexOf($"\"{key}\":", StringComparison.Ordinal);
                return at < 0 ? body : body[..at] + $"\"{key}\":{Weird[random.Next(Weird.Length)]}," + body[at..];
            }
            case 5: // not an object at all
                return Weird[random.Next(Weird.Length)];
            case 6: // random unicode, including lone surrogates
            {
                var chars = new char[random.Next(1, 40)];
                for (var i = 0; i < chars.Length; i++) chars[i] = (char)random.Next(0, 0xFFFF);
                var at = random.Next(body.Length);
                return body[..at] + new string(chars) + body[at..];
            }
            case 7: // drop a key
            {
                var key = Keys[random.Next(Keys.Length)];
                var at = body.IndexOf($"\"{key}\":", StringComparison.Ordinal);
                return at < 0 ? body : body[..at] + "\"dropped\":" + body[(at + key.Length + 3)..];
            }
            default:
                return body;
        }
    }

    private static string Pick(Random random, params string?[] options) => options[random.Next(options.Length)] ?? "";

    [Fact]
    public async Task Mutated_requests_never_get_a_5xx_and_every_body_has_a_documented_shape()
    {
        await using var api = await TestApi.StartAsync();
        var random = new Random(Seed);
        var goodToken = api.Token(roles: "ticket_user,ticket_agent", teams: "james,facilities");
        var narrowToken = api.Token(roles: "ticket_user", teams: "james");
        var statuses = new Dictionary<HttpStatusCode, int>();

        for (var i = 0; i < Requests; i++)
        {
            var get = random.Next(10) == 0;
            var team = Pick(random, "james", "james", "james", "facilities", "nobody", "%2500", "%01", "..%2F..", "%3Cscript%3E", new string('t', 300));
            var type = Pick(random, "16910", "16910", "16911", "16912", "99999", "-1", "%20");
            var query = Pick(random, "?type=template&module=ticketing", "?type=template&module=ticketing", "?type=agent&module=x", "", "?type=&module=",
                "?type=TEMPLATE&module=ticketing", "?type=template&type=user&module=ticketing", "?module=ticketing&type=%FF");
            var path = get
                ? Pick(random, "/api/v2/ticketing/ticket-type", "/api/v2/ticketing/tenant/sc/offers")
                : $"/api/v2/ticketing/ticket/create/{team}/{type}{query}";
            var token = random.Next(12) switch
            {
                0 => null,
                1 => goodToken[..random.Next(goodToken.Length)],
                2 => "x.y.z",
                3 => goodToken + "a",
                4 or 5 => narrowToken,
                _ => goodToken,
            };
            var body = get ? null : MutateBody(random, Bases[random.Next(Bases.Length)]);
            var request = api.Request(get ? HttpMethod.Get : HttpMethod.Post, path, null, body,
                tenantHeader: Pick(random, TestApi.Tenant, TestApi.Tenant, TestApi.Tenant, TestApi.OtherTenant, "", "not-a-uuid", Guid.Empty.ToString()),
                realmHeader: random.Next(8) == 0 ? Pick(random, null, "", "other", "evil", "DEMO") : TestApi.Realm,
                supportHeader: Pick(random, "false", "true", "false", null, "yes", "", "1"));
            if (token is not null) request.Headers.TryAddWithoutValidation("Authorization", random.Next(20) == 0 ? token : "Bearer " + token);

            var response = await api.Client.SendAsync(request);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            var text = await response.Content.ReadAsStringAsync();
            var context = $"request {i}: {request.Method} {path}\n{body}\n→ {(int)response.StatusCode} {text}";

            Assert.True((int)response.StatusCode < 500, context);
            AssertDocumentedShape(response, text, get, context);
        }

        // The mutations reach every layer, not just the first check.
        foreach (var status in new[] { HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound })
            Assert.True(statuses.GetValueOrDefault(status) > 0, $"no {status} in {string.Join(", ", statuses)}");
    }

    private static void AssertDocumentedShape(HttpResponseMessage response, string text, bool get, string context)
    {
        var status = (int)response.StatusCode;
        if (status == 403)
        {
            Assert.True(text.StartsWith("""{"error":true,"code":"FORBIDDEN",""", StringComparison.Ordinal), context);
            return;
        }
        if (status == 404 && response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            Assert.StartsWith("<!DOCTYPE html>", text);
            return;
        }
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", context);
        var json = JsonDocument.Parse(text).RootElement;
        if (status == 200)
        {
            if (get)
            {
                Assert.Equal(JsonValueKind.Array, json.ValueKind);
                return;
            }
            Assert.True(json.GetProperty("success").GetBoolean(), context);
            Assert.Equal("ticket created successfully", json.GetProperty("message").GetString());
            Assert.Equal(json.GetProperty("objectId").GetString(), json.GetProperty("ticket").GetProperty("object_id").GetString());
            return;
        }
        Assert.True(json.GetProperty("error").GetBoolean(), context);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("code").GetString()), context);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("message").GetString()), context);
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        if (status == 400)
        {
            var result = json.GetProperty("validationResult");
            Assert.False(result.GetProperty("result").GetBoolean());
            foreach (var reason in result.GetProperty("reason").EnumerateObject())
                Assert.All(reason.Value.EnumerateArray(), m => Assert.Equal(JsonValueKind.String, m.ValueKind));
        }
        Assert.Contains(status, new[] { 400, 401, 404, 413 });
    }
}
