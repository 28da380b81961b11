using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Tests.Http;

namespace TicketingFunctions.Tests.Observability;

public sealed class ObservabilityTests
{
    [Fact]
    public async Task Every_response_carries_a_correlation_id_echoing_a_sane_one_from_the_caller()
    {
        await using var api = await TestApi.StartAsync();

        var fresh = await api.CreateAsync(Bodies.ContractExample);
        var echoed = api.Request(HttpMethod.Post, TestApi.CreatePath, api.Token(), Bodies.ContractExample);
        echoed.Headers.Add("x-correlation-id", "client-abc.123");
        var echoedResponse = await api.Client.SendAsync(echoed);
        var hostile = api.Request(HttpMethod.Get, "/api/v2/ticketing/ticket-type", null);
        hostile.Headers.TryAddWithoutValidation("x-correlation-id", "evil\" <script>");
        var hostileResponse = await api.Client.SendAsync(hostile);

        Assert.True(Guid.TryParse(fresh.Headers.GetValues("x-correlation-id").Single(), out _));
        Assert.Equal("client-abc.123", echoedResponse.Headers.GetValues("x-correlation-id").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, hostileResponse.StatusCode);
        Assert.True(Guid.TryParse(hostileResponse.Headers.GetValues("x-correlation-id").Single(), out _));
    }

    [Fact]
    public async Task Create_logs_tenant_object_id_and_correlation_id_but_never_tokens_field_values_or_personal_data()
    {
        var logs = new CapturingLoggerProvider();
        await using var api = await TestApi.StartAsync(services: s => s.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        var token = api.Token(username: "jane.doe", email: "jane.doe@example.com");
        var request = api.Request(HttpMethod.Post, TestApi.CreatePath, token, Bodies.ContractExample);
        request.Headers.Add("x-correlation-id", "corr-42");

        var response = await api.Client.SendAsync(request);
        var bad = await api.CreateAsync(Bodies.Example(b => b.TicketBody()[Bodies.NeededWithinField] = "secret-choice-value"), token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var created = Assert.Single(logs.Lines, l => l.Contains("Created ticket CTC-0001", StringComparison.Ordinal));
        Assert.Contains($"[TenantId={TestApi.Tenant}]", created);
        Assert.Contains("[ObjectId=CTC-0001]", created);
        Assert.Contains("[CorrelationId=corr-42]", created);

        var all = string.Join('\n', logs.Lines);
        Assert.NotEmpty(logs.Lines);
        foreach (var secret in new[] { token, token.Split('.')[1], token.Split('.')[2], "jane.doe", "Jane", "Doe", "Need a replacement laptop",
                     "battery no longer holds charge", "secret-choice-value", "Hardware request - new laptop" })
            Assert.DoesNotContain(secret, all);
    }
}
