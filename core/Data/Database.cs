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
