using Npgsql;
using Testcontainers.PostgreSql;

namespace Moosermail.Tests.Integration.Infrastructure;

/// <summary>
/// A real Postgres server for the test run: the one scripts/test started (MOOSERMAIL_TEST_DATABASE_URL),
/// else a Testcontainers container when Docker is there. Each test run gets a database of its own.
/// </summary>
internal static class TestDatabase
{
    public const string ServerUrlKey = "MOOSERMAIL_TEST_DATABASE_URL";

    public static async Task<(string ServerUrl, IAsyncDisposable? Container)> StartServerAsync()
    {
        var url = Environment.GetEnvironmentVariable(ServerUrlKey);
        if (!string.IsNullOrWhiteSpace(url))
        {
            return (url, null);
        }

        var container = new PostgreSqlBuilder("postgres:16-alpine").Build();
        try
        {
            await container.StartAsync();
        }
        catch (Exception ex)
        {
            await container.DisposeAsync();
            throw new InvalidOperationException(
                $"No test database: {ServerUrlKey} is not set and Docker is not available ({ex.GetType().Name}). Run the tests with scripts/test, which starts Postgres itself.", ex);
        }

        return (container.GetConnectionString(), container);
    }

    public static async Task<string> CreateDatabaseAsync(string serverUrl, string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];
        await using (var connection = new NpgsqlConnection(serverUrl))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(serverUrl) { Database = name, Pooling = true, MaxPoolSize = 50 }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string serverUrl, string databaseUrl)
    {
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(databaseUrl).Database;
        await using var connection = new NpgsqlConnection(serverUrl);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
