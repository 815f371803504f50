using System.Net;

namespace Moosermail.Core.Outbound;

/// <summary>Resolves a host name for the guard. A seam so tests can make a name answer differently at save and at send time.</summary>
public interface IOutboundHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

public sealed class DnsOutboundHostResolver : IOutboundHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
