using System.Net;
using Microsoft.AspNetCore.Http;

namespace Moosermail.Functions.Pipeline;

/// <summary>
/// The client IP a rate limit is keyed on: the connection's peer, unless that peer is a trusted proxy
/// (MOOSERMAIL_TRUSTED_PROXIES). Then X-Forwarded-For is read from the right, skipping trusted hops: the
/// first untrusted entry was written by a proxy we trust, so a client cannot choose it (entries a client
/// forges sit further left and are never reached).
/// </summary>
internal static class ClientAddress
{
    public static IPAddress Resolve(HttpContext http, IReadOnlyList<IPNetwork> trustedProxies)
    {
        var client = Normalize(http.Connection.RemoteIpAddress ?? IPAddress.IPv6None);
        if (!IsTrusted(client, trustedProxies))
        {
            return client;
        }

        var hops = http.Request.Headers["X-Forwarded-For"]
            .SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        for (var i = hops.Count - 1; i >= 0; i--)
        {
            if (Parse(hops[i]) is not { } hop)
            {
                // A trusted proxy wrote something we cannot read: keep the last hop we can vouch for.
                return client;
            }

            client = hop;
            if (!IsTrusted(hop, trustedProxies))
            {
                return hop;
            }
        }

        return client;
    }

    /// <summary>
    /// The bucket an address counts against: an IPv4 address itself, an IPv6 address's /64 (one subscriber's
    /// network hands each device, or each request, a fresh address inside it).
    /// </summary>
    public static string BucketKey(IPAddress address)
    {
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return $"{new IPAddress(bytes)}/64";
    }

    private static bool IsTrusted(IPAddress address, IReadOnlyList<IPNetwork> trustedProxies) =>
        trustedProxies.Any(network => network.Contains(address));

    /// <summary>Accepts "1.2.3.4", "1.2.3.4:5678", "::1" and "[::1]:5678" (Azure's front end adds ports).</summary>
    private static IPAddress? Parse(string text) =>
        IPAddress.TryParse(text, out var address) ? Normalize(address)
        : IPEndPoint.TryParse(text, out var endpoint) ? Normalize(endpoint.Address)
        : null;

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
