using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TicketingFunctions.Auth;
using TicketingFunctions.Hosting;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Hosting;

/// <summary>The standalone host on a real Kestrel socket: discover, then create.</summary>
public sealed class StandaloneSocketSmokeTests
{
    [Fact]
    public async Task Kestrel_serves_the_functions_on_a_loopback_port()
    {
        var settings = TestApi.DefaultSettings(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var app = StandaloneHost.Build(StandaloneHost.CreateBuilder(["--urls", "http://127.0.0.1:0", "--environment", "Testing"], settings));
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            var auth = new AuthOptions { IssuerTemplate = settings["Auth:IssuerTemplate"]!, Audience = settings["Auth:Audience"]!, DevSigningKey = settings["Auth:DevSigningKey"] };
            var token = DevTokenIssuer.Issue(auth, new DevTokenRequest(TestApi.Tenant, "demo", ["ticket_user"], ["james"], "tickets:read tickets:write"));

            using var request = new HttpRequestMessage(HttpMethod.Post, TestApi.CreatePath)
            {
                Content = new StringContent(Bodies.ContractExample, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("x-tenantid", TestApi.Tenant);
            request.Headers.Add("realmname", "demo");
            var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // The create above ran with synchronous I/O refused: a blocking body read or write would have thrown.
            Assert.False(app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.AllowSynchronousIO);
            Assert.Equal("CTC-0001", (await response.JsonAsync()).GetProperty("objectId").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/unknown")).StatusCode);

            // The body limit holds on a real socket too: 413 JSON, not Kestrel's bare refusal.
            using var huge = new HttpRequestMessage(HttpMethod.Post, TestApi.CreatePath)
            {
                Content = new StringContent(Bodies.Example(b => b["summary"] = new string('x', 2 * 1024 * 1024)), Encoding.UTF8, "application/json"),
            };
            huge.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            huge.Headers.Add("x-tenantid", TestApi.Tenant);
            huge.Headers.Add("realmname", "demo");
            var tooLarge = await client.SendAsync(huge);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.Equal("PAYLOAD_TOO_LARGE", (await tooLarge.JsonAsync()).GetProperty("code").GetString());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
