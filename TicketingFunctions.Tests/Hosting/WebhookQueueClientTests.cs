using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using TicketingFunctions.Functions;
using TicketingFunctions.Hosting;
using TicketingFunctions.Services;
using TicketingFunctions.Settings;

namespace TicketingFunctions.Tests.Hosting;

/// <summary>The delivery queue's client: the queue trigger's own connection, keyless in Azure, the connection string locally.</summary>
public sealed class WebhookQueueClientTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void In_Azure_the_queue_service_uri_with_the_managed_identity()
    {
        var client = WebhookQueueClient.Create(Settings(("AzureWebJobsStorage:queueServiceUri", "https://stexample.queue.core.windows.net/")));
        Assert.Equal("https://stexample.queue.core.windows.net/webhook-deliveries", client.Uri.AbsoluteUri);
    }

    [Fact]
    public void Locally_the_connection_string()
    {
        var client = WebhookQueueClient.Create(Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true")));
        Assert.Equal("http://127.0.0.1:10001/devstoreaccount1/webhook-deliveries", client.Uri.AbsoluteUri);
    }

    [Fact]
    public void Without_either_a_setting_error_names_both()
    {
        var e = Assert.Throws<SettingException>(() => WebhookQueueClient.Create(Settings()));
        Assert.Contains("AzureWebJobsStorage__queueServiceUri", e.Message);
        Assert.Contains("AzureWebJobsStorage connection string", e.Message);
    }

    [Fact]
    public void The_queue_trigger_reads_the_queue_the_timer_sends_to_on_the_same_connection()
    {
        var parameter = typeof(WebhookDeliveryFunction).GetMethod(nameof(WebhookDeliveryFunction.Deliver))!.GetParameters()[0];
        var trigger = parameter.GetCustomAttribute<QueueTriggerAttribute>()!;
        Assert.Equal(WebhookDeliveryQueue.Name, trigger.QueueName);
        Assert.Equal(WebhookQueueClient.ConnectionName, trigger.Connection);
        Assert.Equal(typeof(string), parameter.ParameterType);
    }
}
