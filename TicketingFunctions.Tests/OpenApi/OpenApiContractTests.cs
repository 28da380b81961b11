using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace TicketingFunctions.Tests.OpenApi;

/// <summary>The exchange check itself: it accepts what the document says and refuses each kind of disagreement.</summary>
public sealed class OpenApiContractTests
{
    private static readonly OpenApiContract Contract = OpenApiContract.Instance;
    private const string CreateUri = "http://localhost/api/v2/ticketing/ticket/create/james/16910?type=template&module=ticketing";

    private static IReadOnlyList<string> Check(HttpMethod method, string uri, int status, string? body, string? contentType, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(body is null ? [] : Encoding.UTF8.GetBytes(body)) };
        if (contentType is not null) response.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        response.Headers.TryAddWithoutValidation("x-correlation-id", "test-1"); // every response carries one
        return Contract.Check(method, new Uri(uri), response, body is null ? [] : Encoding.UTF8.GetBytes(body), out _);
    }

    /// <summary>The document's own 200 example for create.</summary>
    private static JsonObject CreatedExample() =>
        Contract.Document["paths"]!["/v2/ticketing/ticket/create/{teamId}/{itemTypeId}"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["examples"]!["contract"]!["value"]!.DeepClone().AsObject();

    private static readonly (string, string)[] CreatedHeaders = [("ETag", "\"f9d8ad0b-6e4f-45a8-bc14-a11362dc61bd\""), ("Location", "/api/v2/ticketing/ticket/CTC-0054")];

    private static IReadOnlyList<string> CheckCreated(JsonObject body, params (string, string)[] headers) =>
        Check(HttpMethod.Post, CreateUri, 200, body.ToJsonString(), "application/json; charset=utf-8", headers.Length == 0 ? CreatedHeaders : headers);

    [Fact]
    public void A_documented_response_passes()
    {
        Assert.Empty(CheckCreated(CreatedExample()));
        Assert.Empty(Check(HttpMethod.Post, CreateUri, 403, """{"error":true,"code":"FORBIDDEN","message":"Your teams do not include team james","status":403}""", "application/json; charset=utf-8"));
        Assert.Empty(Check(HttpMethod.Post, CreateUri, 404, "<!DOCTYPE html>\n<html></html>", "text/html; charset=utf-8"));
        Assert.Empty(Check(HttpMethod.Post, CreateUri, 503, """{"error":true,"code":"SERVICE_UNAVAILABLE","message":"later","status":503}""", "application/json", ("Retry-After", "2")));
    }

    [Fact]
    public void A_status_the_document_does_not_list_is_refused()
    {
        var problems = Check(HttpMethod.Post, CreateUri, 418, "{}", "application/json");
        Assert.Contains(problems, p => p.Contains("status 418 is not documented for createTicket"));
    }

    [Fact]
    public void A_route_the_document_does_not_list_is_refused()
    {
        Assert.Contains(Check(HttpMethod.Get, "http://localhost/api/v2/ticketing/nothing", 200, "{}", "application/json"), p => p.Contains("no operation for GET"));
        Assert.Contains(Check(HttpMethod.Delete, "http://localhost/api/v2/ticketing/ticket-type", 200, "{}", "application/json"), p => p.Contains("no operation for DELETE"));
    }

    [Fact]
    public void Routing_405_for_another_method_on_a_documented_path_is_accepted_and_nothing_else_is()
    {
        Assert.Empty(Check(HttpMethod.Put, "http://localhost/api/v2/ticketing/ticket-type", 405, null, null));
        Assert.NotEmpty(Check(HttpMethod.Put, "http://localhost/api/v2/ticketing/ticket-type", 405, "{}", "application/json"));
        Assert.NotEmpty(Check(HttpMethod.Put, "http://localhost/api/v2/ticketing/nothing", 405, null, null));
        Assert.NotEmpty(Check(HttpMethod.Put, "http://localhost/api/v2/ticketing/ticket-type", 200, null, null));
    }

    [Fact]
    public void A_missing_required_property_is_refused()
    {
        var body = CreatedExample();
        body["ticket"]!.AsObject().Remove("etag");
        Assert.Contains(CheckCreated(body), p => p.Contains("etag"));
    }

    [Fact]
    public void An_undocumented_property_is_refused()
    {
        var body = CreatedExample();
        body["ticket"]!["internal_note"] = "leaked";
        Assert.Contains(CheckCreated(body), p => p.Contains("internal_note") || p.Contains("additionalProperties"));
    }

    [Fact]
    public void A_key_in_the_ticket_data_that_is_neither_documented_nor_a_field_uuid_is_refused()
    {
        var body = CreatedExample();
        body["ticket"]!["data"]!["internal_note"] = "leaked";
        Assert.Contains(CheckCreated(body), p => p.Contains("/ticket/data"));
    }

    [Fact]
    public void Formats_are_asserted()
    {
        var body = CreatedExample();
        body["ticket"]!["id"] = "not-a-uuid";
        Assert.Contains(CheckCreated(body), p => p.Contains("/ticket/id"));
    }

    [Fact]
    public void A_body_where_the_document_says_none_is_refused()
    {
        Assert.Contains(Check(HttpMethod.Get, "http://localhost/api/openapi.yaml?pad=" + new string('x', 9 * 1024), 414, "Too long", "text/plain"), p => p.Contains("has no body"));
    }

    [Fact]
    public void An_undocumented_content_type_is_refused()
    {
        // The catalog reads answer 404 in JSON only; HTML is documented for create's unknown team or type.
        var problems = Check(HttpMethod.Get, "http://localhost/api/v2/ticketing/ticket-type", 404, "<!DOCTYPE html>", "text/html");
        Assert.Contains(problems, p => p.Contains("content type text/html is not documented"));
    }

    [Fact]
    public void Html_bodies_are_validated_too()
    {
        Assert.Contains(Check(HttpMethod.Post, CreateUri, 404, "Not Found", "text/html"), p => p.Contains("pattern"));
    }

    [Fact]
    public void A_missing_required_header_or_a_malformed_one_is_refused()
    {
        Assert.Contains(Check(HttpMethod.Post, CreateUri, 503, """{"error":true,"code":"SERVICE_UNAVAILABLE","message":"later","status":503}""", "application/json"),
            p => p.Contains("required header Retry-After is missing"));
        Assert.Contains(CheckCreated(CreatedExample(), ("ETag", "f9d8ad0b-6e4f-45a8-bc14-a11362dc61bd"), ("Location", "/api/v2/ticketing/ticket/CTC-0054")),
            p => p.StartsWith("header ETag"));
    }

    [Fact]
    public void An_error_code_of_another_status_is_refused()
    {
        var problems = Check(HttpMethod.Post, CreateUri, 404, """{"error":true,"code":"INTERNAL_ERROR","message":"x","status":404}""", "application/json");
        Assert.Contains(problems, p => p.Contains("/code"));
    }

    [Fact]
    public void Literal_segments_win_over_parameters_as_in_aspnet_routing()
    {
        var document = JsonNode.Parse("""
            {"openapi":"3.1.0","servers":[{"url":"/api"}],"paths":{
              "/t/{id}/history":{"get":{"operationId":"history","responses":{}}},
              "/t/update/{id}":{"get":{"operationId":"update","responses":{}}},
              "/t/{id}":{"get":{"operationId":"read","responses":{}}}}}
            """)!.AsObject();
        var contract = new OpenApiContract(document);

        Assert.Equal("update", contract.Match(HttpMethod.Get, new Uri("http://h/api/t/update/history"))?.OperationId);
        Assert.Equal("history", contract.Match(HttpMethod.Get, new Uri("http://h/api/t/CTC-1/history"))?.OperationId);
        Assert.Equal("read", contract.Match(HttpMethod.Get, new Uri("http://h/api/t/update"))?.OperationId);
        Assert.Null(contract.Match(HttpMethod.Get, new Uri("http://h/other/t/update")));
    }
}
