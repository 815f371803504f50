using Dapper;
using Npgsql;

namespace Moosermail.Core.Data;

/// <summary>The one place that builds the app's singleton <see cref="NpgsqlDataSource"/>.</summary>
public static class Database
{
    private static int s_dapperConfigured;

    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        ConfigureDapper();
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "moosermail";
        return builder.Build();
    }

    /// <summary>snake_case columns map onto PascalCase record members; set once per process.</summary>
    public static void ConfigureDapper()
    {
        if (Interlocked.Exchange(ref s_dapperConfigured, 1) == 0)
        {
            DefaultTypeMap.MatchNamesWithUnderscores = true;
        }
    }
}
