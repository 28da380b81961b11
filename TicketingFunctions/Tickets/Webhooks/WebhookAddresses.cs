using System.Net;
using System.Net.Sockets;

namespace TicketingFunctions.Tickets.Webhooks;

/// <summary>
/// Which addresses a delivery may connect to (the SSRF rule). Refused: unspecified, loopback (unless the development
/// setting allows it), private (RFC 1918, IPv6 unique-local), link-local (the cloud metadata endpoint 169.254.169.254
/// among them), carrier-grade NAT (100.64/10), multicast, broadcast and other reserved ranges. An IPv4 address written
/// as IPv6 (mapped, 6to4, NAT64) is judged as the IPv4 address it carries.
/// </summary>
public static class WebhookAddresses
{
    /// <summary>Why <paramref name="address"/> is refused, or null when a delivery may connect to it.</summary>
    public static string? RefusalOf(IPAddress address, bool allowLoopback)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && EmbeddedIPv4(address) is { } v4) address = v4;
        if (IPAddress.IsLoopback(address)) return allowLoopback ? null : "a loopback address";
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return b[0] switch
            {
                0 => "an unspecified address",
                10 => "a private address",
                100 when (b[1] & 0xC0) == 64 => "a shared (carrier-grade NAT) address",
                169 when b[1] == 254 => "a link-local address (cloud metadata among them)",
                172 when (b[1] & 0xF0) == 16 => "a private address",
                192 when b[1] == 168 => "a private address",
                192 when b[1] == 0 && b[2] == 0 => "a reserved address",
                198 when (b[1] & 0xFE) == 18 => "a reserved address",
                >= 224 and <= 239 => "a multicast address",
                >= 240 => "a reserved address",
                _ => null,
            };
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return "not an IP address";
        if (address.Equals(IPAddress.IPv6Any)) return "an unspecified address";
        if ((b[0] & 0xFE) == 0xFC) return "a private (unique-local) address";
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return "a link-local address";
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return "a site-local address";
        if (b[0] == 0xFF) return "a multicast address";
        // ::/96 (IPv4-compatible, deprecated) and the rest of ::/8: reserved.
        if (b[0] == 0 && !address.IsIPv4MappedToIPv6) return "a reserved address";
        return null;
    }

    /// <summary>The IPv4 address an IPv6 one carries: mapped (::ffff:a.b.c.d), 6to4 (2002:aabb:ccdd::) or NAT64 (64:ff9b::a.b.c.d).</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        var b = address.GetAddressBytes();
        if (b[0] == 0x20 && b[1] == 0x02) return new IPAddress(b.AsSpan(2, 4));
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return new IPAddress(b.AsSpan(12, 4));
        return null;
    }
}
