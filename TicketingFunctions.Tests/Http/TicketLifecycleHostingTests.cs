using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TicketingFunctions.Functions;
using TicketingFunctions.Hosting;
using TicketingFunctions.Tests.Observability;
using static TicketingFunctions.Tests.Http.TicketLifecycleApi;

namespace TicketingFunctions.Tests.Http;

/// <summary>How the lifecycle functions are hosted: their routes and methods, and what they log.</summary>
public sealed class TicketLifecycleHostingTests
{
    [Fact]
    public void The_lifecycle_functions_are_discovered_with_their_routes_and_methods()
    {
        var functions = FunctionEndpoints.Discover(typeof(Routes).Assembly).ToDictionary(f => f.Name);

        Assert.Equal(Routes.Ticket, functions["GetTicket"].Route);
        Assert.Equal(["GET"], functions["GetTicket"].Methods);
        Assert.Equal(Routes.UpdateTicket, functions["UpdateTicket"].Route);
        Assert.Equal(["PATCH"], functions["UpdateTicket"].Methods);
        Assert.Equal(Routes.TicketHistory, functions["GetTicketHistory"].Route);
        Assert.Equal(["GET"], functions["GetTicketHistory"].Methods);
        Assert.Equal("v2/ticketing/ticket/update/{objectId}", Routes.UpdateTicket);
        Assert.Equal("v2/ticketing/ticket/{objectId}/history", Routes.TicketHistory);
    }

    [Fact]
    public async Task Updates_log_tenant_object_id_and_correlation_id_but_never_values_or_personal_data()
    {
        var logs = new CapturingLoggerProvider();
        await using var api = await TestApi.StartAsync(services: s => s.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        var token = api.Token(username: "jane.doe", email: "jane.doe@example.com");
        var created = await api.CreateTicketAsync(token: token);
        var objectId = created.GetProperty("object_id").GetString()!;
        var request = api.Request(HttpMethod.Patch, UpdatePath(objectId), token,
            Patch(created.GetProperty("etag").GetString(), "\"summary\":\"top secret summary\",\"ticketBody\":{\"" + Bodies.DescriptionField + "\":\"<p>secret body</p>\"}"));
        request.Headers.Add("x-correlation-id", "corr-77");

        var response = await api.Client.SendAsync(request);
        await api.PatchAsync(objectId, Patch(created.GetProperty("etag").GetString(), "\"summary\":\"stale secret\""), token);
        await api.GetHistoryAsync(objectId, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = Assert.Single(logs.Lines, l => l.Contains($"Updated ticket {objectId} to version 2", StringComparison.Ordinal));
        Assert.Contains($"[TenantId={TestApi.Tenant}]", updated);
        Assert.Contains($"[ObjectId={objectId}]", updated);
        Assert.Contains("[CorrelationId=corr-77]", updated);
        var all = string.Join('\n', logs.Lines);
        foreach (var secret in new[] { token, "jane.doe", "top secret summary", "secret body", "stale secret", "Need a replacement laptop" })
            Assert.DoesNotContain(secret, all);
    }
}
