using Dapper;
using Npgsql;

namespace Moosermail.Core.Data;

/// <summary>The one place that builds the app's singleton <see cref="NpgsqlDataSource"/>.</summary>
public static class Database
{
    private static int s_dapperConfigured;

    public static NpgsqlDataSource CreateDataSource(string connectionString) =>
        CreateDataSource(new DatabaseSettings { ConnectionString = connectionString });

    public static NpgsqlDataSource CreateDataSource(DatabaseSettings settings)
    {
        ConfigureDapper();
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "moosermail";
        if (settings.UseEntraToken)
        {
            // Each new physical connection sends the latest token; a failed refresh retries after 5 seconds.
            builder.UsePeriodicPasswordProvider((_, cancellationToken) => EntraTokens.GetAsync(cancellationToken), EntraTokens.RefreshInterval, TimeSpan.FromSeconds(5));
        }

        return builder.Build();
    }

    /// <summary>A connection string for one-off tools (migrate) that need a plain string: with a fresh Entra token as password when asked.</summary>
    public static async Task<string> ConnectionStringForCommandAsync(DatabaseSettings settings, CancellationToken cancellationToken)
    {
        if (!settings.UseEntraToken)
        {
            return settings.ConnectionString;
        }

        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Password = await EntraTokens.GetAsync(cancellationToken) };
        return builder.ConnectionString;
    }

    /// <summary>snake_case columns map onto PascalCase record members; set once per process.</summary>
    public static void ConfigureDapper()
    {
        if (Interlocked.Exchange(ref s_dapperConfigured, 1) == 0)
        {
            DefaultTypeMap.MatchNamesWithUnderscores = true;
            SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        }
    }

    /// <summary>Npgsql reads timestamptz as a UTC DateTime; our records speak DateTimeOffset.</summary>
    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(System.Data.IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value;

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
            DateTimeOffset offset => offset,
            _ => throw new InvalidCastException($"Cannot read {value.GetType().Name} as DateTimeOffset."),
        };
    }
}
