using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace TicketingFunctions.Tests.Hosting;

/// <summary>An answer read off a raw socket: its status, its head (status line and headers) and its JSON body, if any.</summary>
public sealed record RawResponse(int Status, string Head, JsonElement Json);

/// <summary>
/// One HTTP/1.1 exchange over a raw socket, for requests HttpClient won't send (broken chunks, short or stalled
/// bodies). The request is written exactly as given and the whole answer read. The socket stays open for sending:
/// Kestrel takes a client's half-close for the end of the connection and would answer nothing.
/// </summary>
public static class RawHttpExchange
{
    public static async Task<RawResponse> SendAsync(int port, string head, string body)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(Encoding.UTF8.GetBytes(body));
        await stream.FlushAsync();

        // Kestrel closes the connection after this response (Connection: close, or an unread body), so read to the end.
        using var received = new MemoryStream();
        await stream.CopyToAsync(received);
        var text = Encoding.UTF8.GetString(received.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"No HTTP answer: {text}");
        var responseHead = text[..split];
        var responseBody = text[(split + 4)..];
        if (responseHead.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) responseBody = Dechunk(responseBody);
        var status = int.Parse(responseHead.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return new RawResponse(status, responseHead, responseBody.Length == 0 ? default : JsonDocument.Parse(responseBody).RootElement.Clone());
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var position = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[position..lineEnd], 16);
            if (size == 0) return result.ToString();
            result.Append(chunked, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }
}
