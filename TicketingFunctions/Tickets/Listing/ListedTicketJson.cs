using System.Buffers;
using System.Text.Json;

namespace TicketingFunctions.Tickets.Listing;

/// <summary>
/// A ticket's answer JSON as a store already holds it (the embedded store keeps each ticket as the compact JSON that
/// <see cref="TicketJsonContext"/> writes for it), and where its <c>data</c> member is. A listing copies these bytes,
/// leaving <c>data</c> out unless it was asked for, instead of parsing the ticket and serializing it again: the parse
/// was most of a page's cost. The bytes are what serializing the parsed ticket writes (ListedTicketJsonTests compare
/// the two).
/// </summary>
public sealed class ListedTicketJson
{
    private static ReadOnlySpan<byte> DataName => "data"u8;
    private static ReadOnlySpan<byte> SlasName => "slas"u8;

    private readonly ReadOnlyMemory<byte> _json;
    private readonly int _dataCutStart, _dataCutEnd;

    private ListedTicketJson(ReadOnlyMemory<byte> json, int dataCutStart, int dataCutEnd, bool hasClocks)
    {
        _json = json;
        _dataCutStart = dataCutStart;
        _dataCutEnd = dataCutEnd;
        HasClocks = hasClocks;
    }

    /// <summary>
    /// Whether the ticket has SLA clocks (a non-empty <c>slas</c>). A clock's state depends on the time it is read,
    /// so such a ticket must be rendered at the time of the request, never copied from its bytes.
    /// </summary>
    public bool HasClocks { get; }

    /// <summary>Finds <c>data</c> in a ticket's compact JSON (one object, no whitespace between tokens).</summary>
    public static ListedTicketJson Of(ReadOnlyMemory<byte> json)
    {
        var span = json.Span;
        var reader = new Utf8JsonReader(span);
        reader.Read();
        int dataStart = -1, dataEnd = -1;
        var hasClocks = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var nameStart = (int)reader.TokenStartIndex;
            var isData = reader.ValueTextEquals(DataName);
            var isSlas = reader.ValueTextEquals(SlasName);
            reader.Read();
            var valueStart = (int)reader.TokenStartIndex;
            reader.Skip();
            var valueEnd = (int)reader.BytesConsumed;
            if (isData) (dataStart, dataEnd) = (nameStart, valueEnd);
            if (isSlas) hasClocks = !span[valueStart..valueEnd].SequenceEqual("[]"u8);
        }
        if (dataStart < 0) throw new JsonException("A stored ticket has no data member.");
        // Cut the member with one of its commas: the one after it, or the one before when it is the last member.
        return span[dataEnd] == (byte)','
            ? new ListedTicketJson(json, dataStart, dataEnd + 1, hasClocks)
            : new ListedTicketJson(json, dataStart - 1, dataEnd, hasClocks);
    }

    /// <summary>Writes the ticket as a listing answers it: with <c>data</c> or without it.</summary>
    public void WriteTo(IBufferWriter<byte> output, bool includeData)
    {
        var json = _json.Span;
        if (includeData)
        {
            output.Write(json);
            return;
        }
        output.Write(json[.._dataCutStart]);
        output.Write(json[_dataCutEnd..]);
    }
}
