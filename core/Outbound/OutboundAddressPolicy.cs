using System.Net;
using System.Net.Sockets;

namespace Moosermail.Core.Outbound;

/// <summary>
/// Which addresses Moosermail may connect to on a user's behalf. Refused always: unspecified, "this network"
/// 0.0.0.0/8, link-local (169.254/16 with the cloud metadata address, fe80::/10), CGNAT 100.64/10, multicast,
/// broadcast and reserved space. Refused unless the development switch is on: loopback and private (RFC 1918,
/// fc00::/7). IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address.
/// </summary>
public static class OutboundAddressPolicy
{
    private static readonly (IPNetwork Network, string Reason)[] s_always =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified / this-network address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (incl. cloud metadata)"),
        (IPNetwork.Parse("100.64.0.0/10"), "a carrier-grade NAT address"),
        (IPNetwork.Parse("192.0.0.0/24"), "an IETF protocol address"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address"),
        (IPNetwork.Parse("::/128"), "an unspecified / this-network address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address (incl. cloud metadata)"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
        (IPNetwork.Parse("100::/64"), "a discard-only address"),
    ];

    private static readonly (IPNetwork Network, string Reason)[] s_private =
    [
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("fc00::/7"), "a private address"),
    ];

    private static readonly IPNetwork s_compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork s_nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork s_sixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Why <paramref name="address"/> is refused, or null when Moosermail may connect to it.</summary>
    public static string? Refusal(IPAddress address, bool allowPrivate)
    {
        var judged = Embedded(address) ?? address;
        foreach (var (network, reason) in s_always)
        {
            if (network.Contains(judged))
            {
                return reason;
            }
        }

        if (!allowPrivate)
        {
            foreach (var (network, reason) in s_private)
            {
                if (network.Contains(judged))
                {
                    return reason;
                }
            }
        }

        return null;
    }

    /// <summary>The IPv4 address an IPv6 address stands for, when it is one of the forms that carry one.</summary>
    private static IPAddress? Embedded(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (s_nat64.Contains(address) || (s_compatible.Contains(address) && !IPAddress.IPv6Loopback.Equals(address) && !IPAddress.IPv6None.Equals(address)))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return s_sixToFour.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }
}
