using Dapper;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Data;
using Npgsql;

namespace Moosermail.Core.Health;

/// <param name="DatabaseReachable">A connection opened and answered.</param>
/// <param name="SchemaVersion">How many migrations the database has applied.</param>
/// <param name="PendingMigrations">Migrations this build has that the database lacks; null when the schema is missing altogether.</param>
public sealed record HealthReport(bool DatabaseReachable, int SchemaVersion, int? PendingMigrations)
{
    public const string SchemaMissing = "schema missing: run migrate";

    public bool SchemaMissingAltogether => DatabaseReachable && PendingMigrations is null;

    public bool Healthy => DatabaseReachable && PendingMigrations == 0;

    /// <summary>"current", "schema missing: run migrate" or "2 migrations pending: run migrate".</summary>
    public string Schema => PendingMigrations switch
    {
        _ when !DatabaseReachable => "unknown",
        null => SchemaMissing,
        0 => "current",
        var pending => $"{pending} migration(s) pending: run migrate",
    };
}

/// <summary>
/// The health answer, asked of Postgres at most once per <see cref="CacheFor"/> per instance: probes and
/// floods of GET /api/health share one query (later callers wait for the one in flight), so polling the
/// route can never use up the connection pool. The cache runs on the monotonic tick count, not the app's
/// TimeProvider: it is a rate of asking, not business time, and a frozen test clock must not freeze it.
/// </summary>
public sealed class HealthService(NpgsqlDataSource dataSource, ILogger<HealthService> logger) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (HealthReport Report, long AtMilliseconds)? _cached;
    private string? _lastUnreachable;

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } report)
        {
            return report;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } justChecked)
            {
                return justChecked;
            }

            var checkedNow = await CheckUncachedAsync(cancellationToken);
            _cached = (checkedNow, Environment.TickCount64);
            return checkedNow;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private HealthReport? Fresh() =>
        _cached is { } cached && Environment.TickCount64 - cached.AtMilliseconds < (long)CacheFor.TotalMilliseconds ? cached.Report : null;

    private async Task<HealthReport> CheckUncachedAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ReadSchemaAsync(cancellationToken);
            }
            catch (NpgsqlException ex) when (ex.IsTransient && attempt == 1)
            {
                // After a server restart or failover the pool can still hold a connection that was cut; Npgsql
                // drops it on this failure, so a second try answers for the server as it is now.
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                logger.LogError("Database reachable but its " + HealthReport.SchemaMissing + " (no {Journal} table)", Migrator.JournalTable);
                return new HealthReport(true, 0, null);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                LogUnreachable(ex);
                return new HealthReport(false, 0, 0);
            }
        }
    }

    /// <summary>
    /// One line naming the setting, the server and why (a wrong MOOSERMAIL_DATABASE_URL is the usual cause), never
    /// the stack trace: the check runs every second while anything asks, so the same reason is logged once, and
    /// again only after it changed or the database came back in between.
    /// </summary>
    private void LogUnreachable(Exception ex)
    {
        var reason = ex switch
        {
            PostgresException postgres => postgres.MessageText,
            NpgsqlException { InnerException: System.Net.Sockets.SocketException socket } => socket.Message,
            NpgsqlException { InnerException: TimeoutException } or TimeoutException => "timed out",
            _ => ex.Message,
        };
        if (reason == _lastUnreachable)
        {
            return;
        }

        _lastUnreachable = reason;
        var server = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        logger.LogWarning(
            "The database at {Server} ({Setting}) cannot be reached: {Reason}; every route answers 503 until it can",
            $"{server.Host}:{server.Port}",
            DatabaseSettings.DatabaseUrlKey,
            reason);
    }

    private async Task<HealthReport> ReadSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var applied = (await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT scriptname
            FROM schema_migrations
            """,
            cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        _lastUnreachable = null;
        var pending = Migrator.ScriptNames().Count(name => !applied.Contains(name));
        if (pending > 0)
        {
            logger.LogWarning("Database schema is behind this build: {Pending} migration(s) pending: run migrate", pending);
        }

        return new HealthReport(true, applied.Count, pending);
    }
}
