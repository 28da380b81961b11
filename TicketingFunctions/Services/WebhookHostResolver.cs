using System.Net;
using System.Net.Sockets;
using TicketingFunctions.Tickets.Webhooks;

namespace TicketingFunctions.Services;

/// <summary>Resolves a webhook URL's host to its addresses (DNS in production; a substitute in tests).</summary>
public interface IWebhookHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

public sealed class DnsWebhookHostResolver : IWebhookHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? Task.FromResult(new[] { literal }) : Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>A host's addresses, every one of them checked against <see cref="WebhookAddresses"/>.</summary>
public sealed class WebhookAddressGuard(IWebhookHostResolver resolver, Microsoft.Extensions.Options.IOptions<WebhookOptions> options)
{
    public bool AllowLoopback => options.Value.AllowLoopback;

    /// <summary>
    /// The addresses of <paramref name="host"/>, or why it is refused: it resolves to nothing, or ANY of its addresses is
    /// refused (a name with one public and one private address could be steered to the private one).
    /// </summary>
    public async Task<(IPAddress[] Addresses, string? Refusal)> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await resolver.ResolveAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            return ([], $"host {host} does not resolve");
        }
        if (addresses.Length == 0) return ([], $"host {host} does not resolve");
        foreach (var address in addresses)
            if (WebhookAddresses.RefusalOf(address, AllowLoopback) is { } refusal)
                return ([], $"host {host} resolves to {refusal} ({address}), which webhooks may not reach");
        return (addresses, null);
    }

    /// <summary>
    /// The handler's connect step: resolves the host now, refuses it if any address is refused, and connects to a
    /// checked address itself, so the address connected to is the address checked (a DNS answer that changes between
    /// the check and the connect, rebinding, can't slip past).
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (addresses, refusal) = await ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        if (refusal is not null) throw new WebhookAddressRefusedException(refusal);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A delivery refused before connecting: the URL's host resolves to an address webhooks may not reach.</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);
