using Microsoft.Kiota.Abstractions;
using TicketingFunctions.Client;
using TicketingFunctions.Client.Models;

namespace TicketingFunctions.Tests.Client;

/// <summary>Every error type of the generated client, by reflection: what a caller reads from a thrown error.</summary>
public sealed class TypedClientErrorTypesTests
{
    [Fact]
    public void Every_error_type_keeps_the_servers_message_as_text()
    {
        // An enum-typed "message" in openapi.yaml makes Kiota generate an enum MessageEscaped and leave
        // Exception.Message at "Exception of type … was thrown": the document must give messages as strings.
        var errors = typeof(TicketingClient).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(ApiException)) && t.GetProperty("MessageEscaped") is not null).ToList();

        Assert.Contains(typeof(NotFoundError), errors);
        Assert.All(errors, t => Assert.Equal(typeof(string), t.GetProperty("MessageEscaped")!.PropertyType));
    }
}
