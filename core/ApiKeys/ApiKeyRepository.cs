using Dapper;
using Moosermail.Core.Audit;
using Npgsql;

namespace Moosermail.Core.ApiKeys;

/// <summary>A team's API keys. Every statement is scoped by team id in its SQL; another team's key is "not found".</summary>
public sealed class ApiKeyRepository(NpgsqlDataSource dataSource)
{
    public async Task InsertAsync(Guid id, Guid teamId, Guid createdBy, string name, byte[] keyHash, string displayPrefix, IReadOnlyList<string> permissions, DateTimeOffset? expiresAt, DateTimeOffset createdAt, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_keys (id, team_id, created_by, name, key_hash, display_prefix, permissions, expires_at, created_at)
            VALUES (@Id, @TeamId, @CreatedBy, @Name, @KeyHash, @DisplayPrefix, @Permissions, @ExpiresAt, @CreatedAt)
            """,
            new { Id = id, TeamId = teamId, CreatedBy = createdBy, Name = name, KeyHash = keyHash, DisplayPrefix = displayPrefix, Permissions = permissions.ToArray(), ExpiresAt = expiresAt, CreatedAt = createdAt },
            transaction, cancellationToken: cancellationToken));
        await AuditLog.AppendAsync(connection, transaction, audit, createdAt, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ApiKeySummary>> ListForTeamAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ApiKeySummary>(new CommandDefinition(
            """
            SELECT id, name, display_prefix AS prefix, permissions, expires_at, last_used_at, created_by, created_at
            FROM api_keys
            WHERE team_id = @TeamId
            ORDER BY created_at DESC
            """,
            new { TeamId = teamId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Who created the key; null when it is missing or belongs to another team.</summary>
    public async Task<Guid?> FindCreatorAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            """
            SELECT created_by
            FROM api_keys
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { Id = id, TeamId = teamId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// False when the key is missing, belongs to another team, or (when <paramref name="createdBy"/> is given) was
    /// created by someone else.
    /// </summary>
    public async Task<bool> DeleteAsync(Guid teamId, Guid id, Guid? createdBy, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM api_keys
            WHERE id = @Id
              AND team_id = @TeamId
              AND (@CreatedBy::uuid IS NULL OR created_by = @CreatedBy::uuid)
            """,
            new { Id = id, TeamId = teamId, CreatedBy = createdBy }, transaction, cancellationToken: cancellationToken)) == 1;
        if (deleted)
        {
            await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return deleted;
    }
}
