using Dapper;
using Npgsql;

namespace Moosermail.Core.Suppressions;

/// <summary>An address the team no longer sends to, and why.</summary>
public sealed record Suppression
{
    public string Email { get; init; } = string.Empty;

    public string Reason { get; init; } = string.Empty;

    public string? Detail { get; init; }

    public Guid? EmailId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The team's suppression list; rows are added by folded bounces and complaints. Every statement filters on team_id.</summary>
public sealed class SuppressionRepository(NpgsqlDataSource dataSource)
{
    public const int MaxList = 1000;

    public async Task<IReadOnlyList<Suppression>> ListForTeamAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Suppression>(new CommandDefinition(
            """
            SELECT address AS email, reason, detail, email_id, created_at
            FROM suppressions
            WHERE team_id = @TeamId
            ORDER BY created_at DESC, address
            LIMIT @Limit
            """,
            new { TeamId = teamId, Limit = MaxList }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Which of <paramref name="addresses"/> (bare, lower-case) the team has suppressed, with the reason.</summary>
    public async Task<IReadOnlyDictionary<string, string>> FindSuppressedAsync(Guid teamId, IReadOnlyCollection<string> addresses, CancellationToken cancellationToken)
    {
        if (addresses.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Address, string Reason)>(new CommandDefinition(
            """
            SELECT address, reason
            FROM suppressions
            WHERE team_id = @TeamId
              AND address = ANY (@Addresses)
            """,
            new { TeamId = teamId, Addresses = addresses.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Address, r => r.Reason, StringComparer.Ordinal);
    }

    /// <summary>False when the address is not on the team's list.</summary>
    public async Task<bool> DeleteAsync(Guid teamId, string address, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM suppressions
            WHERE team_id = @TeamId
              AND address = @Address
            """,
            new { TeamId = teamId, Address = address }, cancellationToken: cancellationToken)) > 0;
    }
}
