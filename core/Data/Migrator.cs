using System.Reflection;
using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Moosermail.Core.Data;

/// <summary>
/// Applies the numbered SQL files in Data/Migrations with DbUp. Runs from the migrate command, the run
/// script, the test fixture and the deploy pipeline — never on cold start. A Postgres advisory lock makes
/// concurrent runs (two instances deploying at once) wait for each other instead of racing.
/// </summary>
public static class Migrator
{
    public const string JournalTable = "schema_migrations";
    private const long AdvisoryLockId = 0x6D6F6F7365; // "moose"

    /// <summary>The journal names of the migrations in this build, as DbUp records them in schema_migrations.</summary>
    public static IReadOnlyList<string> ScriptNames() => s_scriptNames.Value;

    private static readonly Lazy<IReadOnlyList<string>> s_scriptNames = new(() =>
        Assembly.GetExecutingAssembly().GetManifestResourceNames().Where(IsMigration).Order(StringComparer.Ordinal).ToList());

    private static bool IsMigration(string name) => name.Contains(".Migrations.", StringComparison.Ordinal);

    public static async Task<int> MigrateAsync(string connectionString, ILogger logger, CancellationToken cancellationToken = default)
    {
        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@id)", lockConnection))
        {
            take.Parameters.AddWithValue("id", AdvisoryLockId);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), IsMigration)
                .JournalToPostgresqlTable("public", JournalTable)
                .WithTransactionPerScript()
                .LogTo(new DbUpLogger(logger))
                .Build();

            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed.", result.Error);
            }

            return result.Scripts.Count();
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@id)", lockConnection);
            release.Parameters.AddWithValue("id", AdvisoryLockId);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private sealed class DbUpLogger(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogDebug(string format, params object[] args) => logger.LogDebug("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogInformation(string format, params object[] args) => logger.LogInformation("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogWarning(string format, params object[] args) => logger.LogWarning("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(string format, params object[] args) => logger.LogError("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, "{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
    }
}
