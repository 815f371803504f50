using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Moosermail.Core.Health;

public sealed record HealthReport(bool DatabaseReachable, int SchemaVersion);

/// <summary>
/// The health answer, asked of Postgres at most once per <see cref="CacheFor"/> per instance: probes and
/// floods of GET /api/health share one query (later callers wait for the one in flight), so polling the
/// route can never use up the connection pool.
/// </summary>
public sealed class HealthService(NpgsqlDataSource dataSource, TimeProvider time, ILogger<HealthService> logger) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (HealthReport Report, DateTimeOffset At)? _cached;

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

            var checkedNow = await QueryAsync(cancellationToken);
            _cached = (checkedNow, time.GetUtcNow());
            return checkedNow;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private HealthReport? Fresh() =>
        _cached is { } cached && time.GetUtcNow() - cached.At < CacheFor && time.GetUtcNow() >= cached.At ? cached.Report : null;

    private async Task<HealthReport> QueryAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var version = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                """
                SELECT count(*)::int
                FROM schema_migrations
                """,
                cancellationToken: cancellationToken));
            return new HealthReport(true, version);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            logger.LogWarning(ex, "Health check could not reach the database");
            return new HealthReport(false, 0);
        }
    }
}
