using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TicketingFunctions.Tickets;

namespace TicketingFunctions.Api;

/// <summary>
/// How a listing is written: with <see cref="ApiJsonContext"/>'s metadata as is when <c>include=data</c>, else with
/// a contract modifier that leaves a ticket's <c>data</c> out (still source-generated metadata, no reflection).
/// </summary>
public static class TicketListJson
{
    public const string DataProperty = "data";

    public static JsonTypeInfo<TicketListResponse> WithData => ApiJsonContext.Default.TicketListResponse;

    public static JsonTypeInfo<TicketListResponse> WithoutData { get; } = CreateWithoutData();

    private static JsonTypeInfo<TicketListResponse> CreateWithoutData()
    {
        var options = new JsonSerializerOptions(ApiJsonContext.Default.Options)
        {
            TypeInfoResolver = ApiJsonContext.Default.WithAddedModifier(static info =>
            {
                if (info.Type != typeof(Ticket) || info.Kind != JsonTypeInfoKind.Object) return;
                for (var i = info.Properties.Count - 1; i >= 0; i--)
                    if (info.Properties[i].Name == DataProperty) info.Properties.RemoveAt(i);
            }),
        };
        return (JsonTypeInfo<TicketListResponse>)options.GetTypeInfo(typeof(TicketListResponse));
    }
}
