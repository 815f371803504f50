using Microsoft.Extensions.Configuration;
using Moosermail.Core.Configuration;
using Moosermail.Core.Data;
using Npgsql;

namespace Moosermail.Tests.Unit.Configuration;

/// <summary>The database settings `migrate` and the app read: pool size, Entra auth, and their refusals.</summary>
public sealed class DatabaseSettingsTests
{
    private const string Url = "Host=db.example;Port=5433;Database=moosermail;Username=app";

    [Fact]
    public void Load_PoolSize_BecomesMaxPoolSize()
    {
        var settings = DatabaseSettings.Load(Config(("MOOSERMAIL_DATABASE_POOL_SIZE", "5")));

        Assert.Equal(5, new NpgsqlConnectionStringBuilder(settings.ConnectionString).MaxPoolSize);
        Assert.False(settings.UseEntraToken);
        Assert.Equal("db.example:5433", settings.Endpoint);
    }

    [Fact]
    public void CreateDataSource_PreparesStatements_UnlessTheConnectionStringSays()
    {
        using var defaulted = Database.CreateDataSource(DatabaseSettings.Load(Config()));
        using var off = Database.CreateDataSource(DatabaseSettings.Load(Config((DatabaseSettings.DatabaseUrlKey, Url + ";Max Auto Prepare=0"))));
        using var own = Database.CreateDataSource(Url + ";MaxAutoPrepare=7");

        Assert.Equal(Database.DefaultMaxAutoPrepare, new NpgsqlConnectionStringBuilder(defaulted.ConnectionString).MaxAutoPrepare);
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(off.ConnectionString).MaxAutoPrepare);
        Assert.Equal(7, new NpgsqlConnectionStringBuilder(own.ConnectionString).MaxAutoPrepare);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("lots")]
    public void Load_BadPoolSize_NamesTheSetting(string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => DatabaseSettings.Load(Config(("MOOSERMAIL_DATABASE_POOL_SIZE", value))));

        Assert.Contains("MOOSERMAIL_DATABASE_POOL_SIZE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Entra_IsAcceptedWithoutAPassword()
    {
        var settings = DatabaseSettings.Load(Config(("MOOSERMAIL_DATABASE_AUTH", "entra")));

        Assert.True(settings.UseEntraToken);
        Assert.Null(new NpgsqlConnectionStringBuilder(settings.ConnectionString).Password);
    }

    [Fact]
    public void Load_EntraWithAPassword_IsRefused()
    {
        var error = Assert.Throws<ConfigurationException>(() => DatabaseSettings.Load(Config(
            ("MOOSERMAIL_DATABASE_AUTH", "entra"), ("MOOSERMAIL_DATABASE_URL", Url + ";Password=secret"))));

        Assert.Contains("remove Password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownAuth_IsRefused()
    {
        var error = Assert.Throws<ConfigurationException>(() => DatabaseSettings.Load(Config(("MOOSERMAIL_DATABASE_AUTH", "kerberos"))));

        Assert.Contains("MOOSERMAIL_DATABASE_AUTH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingUrl_NamesTheSetting()
    {
        var error = Assert.Throws<ConfigurationException>(() => DatabaseSettings.Load(Config(("MOOSERMAIL_DATABASE_URL", ""))));

        Assert.Contains("MOOSERMAIL_DATABASE_URL", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Config(params (string Key, string Value)[] overrides)
    {
        var values = new Dictionary<string, string?> { ["MOOSERMAIL_DATABASE_URL"] = Url };
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}
