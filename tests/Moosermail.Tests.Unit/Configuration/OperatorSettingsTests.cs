using Microsoft.Extensions.Configuration;
using Moosermail.Core.Accounts;
using Moosermail.Core.Configuration;
using Moosermail.Core.OperatorMail;

namespace Moosermail.Tests.Unit.Configuration;

public sealed class OperatorSettingsTests
{
    [Fact]
    public void OperatorMail_NeitherSet_IsOff()
    {
        Assert.False(OperatorMailSettings.Load(Config()).IsConfigured);
    }

    [Fact]
    public void OperatorMail_BothSet_IsOn_AndTheKeyNeverPrints()
    {
        var settings = OperatorMailSettings.Load(Config(("MOOSERMAIL_SYSTEM_RESEND_KEY", "re_secret_value_123"), ("MOOSERMAIL_SYSTEM_FROM", "Moosermail <No-Reply@Example.com>")));

        Assert.True(settings.IsConfigured);
        Assert.Equal("Moosermail <no-reply@example.com>", settings.From);
        Assert.DoesNotContain("re_secret", settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("re_secret_value_123", "")]
    [InlineData("", "no-reply@example.com")]
    [InlineData("sk_not_resend", "no-reply@example.com")]
    [InlineData("re_with space", "no-reply@example.com")]
    [InlineData("re_secret_value_123", "not an address")]
    [InlineData("re_secret_value_123", "Evil <a@example.com>\r\nBcc: x@example.com")]
    public void OperatorMail_HalfSetOrMalformed_StopsTheAppNamingTheSetting(string key, string from)
    {
        var ex = Assert.Throws<ConfigurationException>(() => OperatorMailSettings.Load(Config(("MOOSERMAIL_SYSTEM_RESEND_KEY", key), ("MOOSERMAIL_SYSTEM_FROM", from))));

        Assert.Contains("MOOSERMAIL_SYSTEM_", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("re_secret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "open")]
    [InlineData("", "open")]
    [InlineData(" closed ", "closed")]
    [InlineData("Invite", "invite")]
    public void Signup_Modes(string? value, string expected)
    {
        Assert.Equal(expected, SignupSettings.Load(Config(("MOOSERMAIL_SIGNUP", value))).Mode);
    }

    [Theory]
    [InlineData("sometimes")]
    [InlineData("invited")]
    public void Signup_UnknownMode_StopsTheApp(string mode)
    {
        var ex = Assert.Throws<ConfigurationException>(() => SignupSettings.Load(Config(("MOOSERMAIL_SIGNUP", mode))));

        Assert.Contains("MOOSERMAIL_SIGNUP", ex.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
