using System.Net;
using Moosermail.Core.Outbound;

namespace Moosermail.Tests.Unit.Outbound;

/// <summary>Every range the guard refuses, in its IPv4 and IPv6 forms, and what the development switch opens.</summary>
public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:172.20.0.1")]
    [InlineData("::ffff:192.168.0.10")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::10.0.0.1")]
    [InlineData("2002:c0a8:0101::1")]
    public void Refusal_LoopbackOrPrivate_RefusedUnlessSwitchOn(string address)
    {
        Assert.NotNull(OutboundAddressPolicy.Refusal(IPAddress.Parse(address), allowPrivate: false));
        Assert.Null(OutboundAddressPolicy.Refusal(IPAddress.Parse(address), allowPrivate: true));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("240.0.0.1")]
    [InlineData("192.0.0.170")]
    [InlineData("198.18.0.1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("febf::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("ff05::2")]
    [InlineData("100::1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:0.0.0.0")]
    [InlineData("::ffff:100.64.0.1")]
    [InlineData("::ffff:224.0.0.1")]
    [InlineData("::ffff:255.255.255.255")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2002:a9fe:a9fe::1")]
    public void Refusal_LinkLocalMetadataCgnatMulticastUnspecified_RefusedEvenWithSwitchOn(string address)
    {
        Assert.NotNull(OutboundAddressPolicy.Refusal(IPAddress.Parse(address), allowPrivate: false));
        Assert.NotNull(OutboundAddressPolicy.Refusal(IPAddress.Parse(address), allowPrivate: true));
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("1.1.1.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:0808:0808::1")]
    public void Refusal_PublicAddress_Allowed(string address) =>
        Assert.Null(OutboundAddressPolicy.Refusal(IPAddress.Parse(address), allowPrivate: false));

    [Fact]
    public void Refusal_Metadata_SaysLinkLocal() =>
        Assert.Contains("metadata", OutboundAddressPolicy.Refusal(IPAddress.Parse("169.254.169.254"), allowPrivate: false), StringComparison.Ordinal);
}
