using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TicketingFunctions.Tickets;
using TicketingFunctions.Tickets.Listing;

namespace TicketingFunctions.Api;

/// <summary>
/// How a listing is written: with <see cref="ApiJsonContext"/>'s metadata as is when <c>include=data</c>, else with
/// a contract modifier that leaves a ticket's <c>data</c> out (still source-generated metadata, no reflection).
/// </summary>
public static class TicketListJson
{
    public static JsonTypeInfo<TicketListResponse> WithData => ApiJsonContext.Default.TicketListResponse;

    private static readonly JsonSerializerOptions WithoutDataOptions = CreateWithoutDataOptions();

    /// <summary>
    /// Writes a listing's answer: from the tickets' stored JSON when the store gave it (<see cref="TicketPage.StoredJson"/>,
    /// the embedded store's fast path), else by serializing the tickets. The one place that tells the two apart.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, TicketListResult result)
    {
        if (result.Page.StoredJson is { } stored)
        {
            WritePage(output, stored, result.IncludeData, result.ContinuationToken);
            return;
        }
        // As HttpResults.Json writes every other answer: the response encoder on the writer, source-generated metadata.
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = ApiJsonContext.ResponseEncoder, SkipValidation = true });
        JsonSerializer.Serialize(writer, new TicketListResponse(result.Page.Tickets, result.ContinuationToken), result.IncludeData ? WithData : WithoutData);
    }

    /// <summary>
    /// Writes a page from its tickets' stored JSON: what serializing a <see cref="TicketListResponse"/> of the parsed
    /// tickets with <see cref="WithData"/> or <see cref="WithoutData"/> writes, byte for byte, without the parse.
    /// </summary>
    public static void WritePage(IBufferWriter<byte> output, IReadOnlyList<ListedTicketJson> tickets, bool includeData, string? continuationToken)
    {
        output.Write("{\"success\":true,\"status\":200,\"tickets\":["u8);
        for (var i = 0; i < tickets.Count; i++)
        {
            if (i > 0) output.Write(","u8);
            tickets[i].WriteTo(output, includeData);
        }
        output.Write("],\"continuationToken\":"u8);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = ApiJsonContext.ResponseEncoder, SkipValidation = true }))
        {
            if (continuationToken is null) writer.WriteNullValue(); else writer.WriteStringValue(continuationToken);
        }
        output.Write("}"u8);
    }

    /// <summary>Metadata for <typeparamref name="T"/> (an answer made of tickets) that leaves every ticket's <c>data</c> out.</summary>
    public static JsonTypeInfo<T> WithoutDataFor<T>() => (JsonTypeInfo<T>)WithoutDataOptions.GetTypeInfo(typeof(T));

    public static JsonTypeInfo<TicketListResponse> WithoutData { get; } =
        (JsonTypeInfo<TicketListResponse>)WithoutDataOptions.GetTypeInfo(typeof(TicketListResponse));

    private static JsonSerializerOptions CreateWithoutDataOptions()
    {
        var options = new JsonSerializerOptions(ApiJsonContext.Default.Options)
        {
            TypeInfoResolver = ApiJsonContext.Default.WithAddedModifier(static info =>
            {
                if (info.Type != typeof(Ticket) || info.Kind != JsonTypeInfoKind.Object) return;
                for (var i = info.Properties.Count - 1; i >= 0; i--)
                    if (info.Properties[i].Name == TicketJsonContext.DataProperty) info.Properties.RemoveAt(i);
            }),
        };
        options.MakeReadOnly();
        return options;
    }
}
