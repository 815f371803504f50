using Dapper;
using Npgsql;

namespace Moosermail.Tests.Integration.Infrastructure;

/// <summary>Reads the test database directly, to assert what a request stored (or did not).</summary>
public static class TestRows
{
    /// <summary>One value (a count, a max) of <paramref name="sql"/> with Dapper <paramref name="parameters"/>.</summary>
    public static async Task<T> ScalarAsync<T>(this AppFixture app, string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseUrl);
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    /// <summary>How many rows of <paramref name="table"/> (a constant name) belong to the team.</summary>
    public static Task<long> CountForTeamAsync(this AppFixture app, string table, Guid teamId) =>
        System.Text.RegularExpressions.Regex.IsMatch(table, "^[a-z_]+$")
            ? app.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE team_id = @TeamId", new { TeamId = teamId })
            : throw new ArgumentException("A table name is lower-case letters and underscores.", nameof(table));
}
