using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;
using Moosermail.Core.Outbound;

namespace Moosermail.Tests.Unit.Outbound;

public sealed class OutboundSettingsTests
{
    [Fact]
    public void Load_Unset_IsOff() => Assert.False(OutboundSettings.Load(Config()).AllowPrivate);

    [Fact]
    public void Load_True_OutsideAzure_IsOn() => Assert.True(OutboundSettings.Load(Config(("MOOSERMAIL_OUTBOUND_ALLOW_PRIVATE", "true"))).AllowPrivate);

    [Theory]
    [InlineData("WEBSITE_INSTANCE_ID")]
    [InlineData("WEBSITE_SITE_NAME")]
    [InlineData("CONTAINER_APP_NAME")]
    public void Load_TrueInAzure_RefusesToStart(string marker)
    {
        var error = Assert.Throws<ConfigurationException>(() => OutboundSettings.Load(Config(("MOOSERMAIL_OUTBOUND_ALLOW_PRIVATE", "true"), (marker, "moosermail-prod"))));

        Assert.Contains("MOOSERMAIL_OUTBOUND_ALLOW_PRIVATE", error.Message, StringComparison.Ordinal);
        Assert.Contains(marker, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FalseInAzure_IsFine() =>
        Assert.False(OutboundSettings.Load(Config(("MOOSERMAIL_OUTBOUND_ALLOW_PRIVATE", "false"), ("WEBSITE_SITE_NAME", "x"))).AllowPrivate);

    [Fact]
    public void Load_Malformed_NamesTheSetting() =>
        Assert.Contains("MOOSERMAIL_OUTBOUND_ALLOW_PRIVATE", Assert.Throws<ConfigurationException>(() => OutboundSettings.Load(Config(("MOOSERMAIL_OUTBOUND_ALLOW_PRIVATE", "yes please")))).Message, StringComparison.Ordinal);

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
