using System.Net;
using System.Text;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Security;

public sealed class InputLimitTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private TestApi Api => fixture.Api;

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    [Fact]
    public async Task A_body_over_one_mebibyte_gets_413_json()
    {
        var huge = Bodies.Example(b => b["summary"] = new string('x', 1024 * 1024));
        var response = await Api.CreateAsync(huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("PAYLOAD_TOO_LARGE", json.GetProperty("code").GetString());
        Assert.Equal(413, json.GetProperty("status").GetInt32());
        Assert.Equal("The request body is larger than 1048576 bytes", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_gets_413_too()
    {
        var request = Api.Request(HttpMethod.Post, TestApi.CreatePath, Api.Token());
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Bodies.Example(b => b["x"] = new string('x', 1100 * 1024)))));
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        var response = await Api.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("PAYLOAD_TOO_LARGE", (await response.JsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Nesting_deeper_than_32_is_refused_and_32_is_not()
    {
        // Under a top-level key create ignores (attachments, which used to take any JSON, is validated now).
        var tooDeep = await Api.CreateAsync(Bodies.Example(b => b["extra"] = System.Text.Json.Nodes.JsonNode.Parse($"{{\"a\":{Nested(31)}}}")));
        var deepEnough = await Api.CreateAsync(Bodies.Example(b => b["extra"] = System.Text.Json.Nodes.JsonNode.Parse($"{{\"a\":{Nested(30)}}}")));

        Assert.Equal(HttpStatusCode.BadRequest, tooDeep.StatusCode);
        Assert.Equal(["Request body is nested deeper than 32 levels"], (await tooDeep.JsonAsync()).Reasons("body"));
        Assert.Equal(HttpStatusCode.OK, deepEnough.StatusCode);
    }

    [Fact]
    public async Task More_than_200_ticketBody_keys_is_refused()
    {
        var response = await Api.CreateAsync(Bodies.Example(b =>
        {
            for (var i = 0; i < 200; i++) b.TicketBody()[Guid.NewGuid().ToString()] = "x";
        }));
        Assert.Equal(["Field ticketBody has more than 200 keys"], (await response.JsonAsync()).Reasons("body"));
    }

    [Fact]
    public async Task Strings_longer_than_the_configured_limit_are_refused()
    {
        await using var api = await TestApi.StartAsync(s => s["Limits:MaxStringLength"] = "100");
        var tooLong = await api.CreateAsync(Bodies.Example(b => b.TicketBody()[Bodies.DescriptionField] = new string('a', 101)));
        var fits = await api.CreateAsync(Bodies.Example(b => b.TicketBody()[Bodies.DescriptionField] = new string('a', 100)));

        Assert.Equal(["Request body has a string longer than 100 characters"], (await tooLong.JsonAsync()).Reasons("body"));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task Invalid_utf8_and_lone_surrogates_are_400_not_500()
    {
        var request = Api.Request(HttpMethod.Post, TestApi.CreatePath, Api.Token());
        request.Content = new ByteArrayContent([.. Encoding.UTF8.GetBytes("{\"source\":\""), 0xff, 0xfe, .. Encoding.UTF8.GetBytes("\"}")]);
        request.Content.Headers.ContentType = new("application/json");
        var invalidUtf8 = await Api.Client.SendAsync(request);
        var loneSurrogate = await Api.CreateAsync(Bodies.ContractExample.Replace("Hardware request - new laptop", "\\ud800 alone"));

        Assert.Equal(HttpStatusCode.BadRequest, invalidUtf8.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, loneSurrogate.StatusCode);
        Assert.Equal(["Request body is not valid JSON"], (await loneSurrogate.JsonAsync()).Reasons("body"));
    }
}
