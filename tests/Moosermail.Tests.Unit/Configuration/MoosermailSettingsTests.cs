using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;

namespace Moosermail.Tests.Unit.Configuration;

public sealed class MoosermailSettingsTests
{
    private const string GoodKey = "8d1f0b6a4c3e2f19a7b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3";

    [Fact]
    public void Load_AllSettingsValid_ParsesThem()
    {
        var settings = MoosermailSettings.Load(Config());

        Assert.Equal(32, settings.EncryptionKey.Length);
        Assert.Equal(32, settings.JwtSecret.Length);
        Assert.Equal(new Uri("https://api.resend.com"), settings.ResendBaseUrl);
    }

    [Fact]
    public void Load_Base64Key_IsAccepted()
    {
        var base64 = Convert.ToBase64String(Convert.FromHexString(GoodKey));

        var settings = MoosermailSettings.Load(Config(("ENCRYPTION_KEY", base64)));

        Assert.Equal(Convert.FromHexString(GoodKey), settings.EncryptionKey);
    }

    [Theory]
    [InlineData("MOOSERMAIL_DATABASE_URL")]
    [InlineData("ENCRYPTION_KEY")]
    [InlineData("JWT_SECRET")]
    public void Load_MissingSetting_NamesItAndHowToFix(string key)
    {
        var ex = Assert.Throws<ConfigurationException>(() => MoosermailSettings.Load(Config((key, ""))));

        Assert.StartsWith(key, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", "malformed")]
    [InlineData("0011223344556677889900112233445566778899001122334455667788990011aa", "must be 32 bytes")]
    [InlineData("00112233445566778899aabbccddeeff", "must be 32 bytes")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "all zeros")]
    public void Load_BadEncryptionKey_StopsWithClearMessage(string value, string expected)
    {
        var ex = Assert.Throws<ConfigurationException>(() => MoosermailSettings.Load(Config(("ENCRYPTION_KEY", value))));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("openssl rand -hex 32", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedDatabaseUrl_SaysWhichSetting()
    {
        var ex = Assert.Throws<ConfigurationException>(() => MoosermailSettings.Load(Config(("MOOSERMAIL_DATABASE_URL", "NotAKey=1"))));

        Assert.Contains("MOOSERMAIL_DATABASE_URL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ResendBaseUrlNotHttp_IsRefused()
    {
        Assert.Throws<ConfigurationException>(() => MoosermailSettings.Load(Config(("RESEND_BASE_URL", "ftp://example.com"))));
    }

    private static IConfiguration Config(params (string Key, string Value)[] overrides)
    {
        var values = new Dictionary<string, string?>
        {
            ["MOOSERMAIL_DATABASE_URL"] = "Host=localhost;Database=moosermail;Username=moosermail",
            ["ENCRYPTION_KEY"] = GoodKey,
            ["JWT_SECRET"] = GoodKey,
        };
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}
