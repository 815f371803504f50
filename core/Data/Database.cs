using Dapper;
using Npgsql;

namespace Moosermail.Core.Data;

/// <summary>The one place that builds the app's singleton <see cref="NpgsqlDataSource"/>.</summary>
public static class Database
{
    /// <summary>
    /// Statements prepared per physical connection when the connection string does not say (Npgsql's
    /// "Max Auto Prepare"). The app runs a small, fixed set of statements; preparing them spares Postgres the
    /// parse and plan of every execution, which was most of the webhook ingest statement's cost (issue 15).
    /// No PgBouncer sits in front of Postgres in infra/, so server-side prepared statements are safe.
    /// </summary>
    public const int DefaultMaxAutoPrepare = 128;

    private static int s_dapperConfigured;

    public static NpgsqlDataSource CreateDataSource(string connectionString) =>
        CreateDataSource(new DatabaseSettings { ConnectionString = connectionString });

    public static NpgsqlDataSource CreateDataSource(DatabaseSettings settings)
    {
        ConfigureDapper();
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "moosermail";
        if (!MentionsAutoPrepare(settings.ConnectionString))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        if (settings.UseEntraToken)
        {
            // Each new physical connection sends the latest token; a failed refresh retries after 5 seconds.
            builder.UsePeriodicPasswordProvider((_, cancellationToken) => EntraTokens.GetAsync(cancellationToken), EntraTokens.RefreshInterval, TimeSpan.FromSeconds(5));
        }

        return builder.Build();
    }

    /// <summary>Whether the operator set "Max Auto Prepare" (any spelling Npgsql accepts) themselves; 0 turns it off.</summary>
    public static bool MentionsAutoPrepare(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).Keys.Cast<string>()
            .Any(key => key.Replace(" ", string.Empty, StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));

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
