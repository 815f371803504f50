using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Moosermail.Core.Health;

public sealed record HealthReport(bool DatabaseReachable, int SchemaVersion);

public sealed class HealthService(NpgsqlDataSource dataSource, ILogger<HealthService> logger)
{
    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
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
