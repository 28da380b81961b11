using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using TicketingFunctions.Hosting;
using TicketingFunctions.OpenApi;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Hosting;

/// <summary>
/// Kestrel's own answers (before the app runs) on a real socket: the statuses and shape openapi.yaml lists in
/// <c>x-server-responses</c>, bodiless and without a correlation id.
/// </summary>
public sealed class ServerAnswerSocketTests
{
    [Theory]
    [InlineData(400)]
    [InlineData(414)]
    [InlineData(431)]
    public async Task Kestrel_answers_as_the_document_says(int expected)
    {
        var settings = TestApi.DefaultSettings(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var app = StandaloneHost.Build(StandaloneHost.CreateBuilder(["--urls", "http://127.0.0.1:0", "--environment", "Testing"], settings));
        await app.StartAsync();
        try
        {
            var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
            var request = expected switch
            {
                400 => "GET /api/openapi.json HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n",
                414 => $"GET /api/openapi.json?q={new string('a', 9 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n",
                _ => $"GET /api/openapi.json HTTP/1.1\r\nHost: x\r\nx-big: {new string('a', 40 * 1024)}\r\n\r\n",
            };
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
            using var received = new MemoryStream();
            await stream.CopyToAsync(received);   // Kestrel closes the connection after refusing a request
            var head = Encoding.ASCII.GetString(received.ToArray());

            Assert.StartsWith($"HTTP/1.1 {expected} ", head);
            Assert.Contains("Content-Length: 0", head, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("x-correlation-id", head, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Server:", head, StringComparison.OrdinalIgnoreCase);

            using var document = JsonDocument.Parse(app.Services.GetRequiredService<OpenApiDescription>().Json);
            Assert.True(document.RootElement.GetProperty("x-server-responses").TryGetProperty(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), out var documented));
            Assert.Contains("No body", documented.GetProperty("description").GetString());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
