using Dapper;
using Moosermail.Core.Audit;
using Npgsql;

namespace Moosermail.Core.Senders;

/// <summary>A team's senders. Every statement filters on team_id; another team's sender is "not found".</summary>
public sealed class SenderRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Inserts the sender; the team's first sender becomes its default.</summary>
    public async Task<Sender> InsertAsync(Guid teamId, Guid id, string name, string fromAddress, string hint, string encryptedApiKey, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var sender = await connection.QuerySingleAsync<Sender>(new CommandDefinition(
            """
            INSERT INTO senders (id, team_id, name, from_address, key_hint, encrypted_api_key, is_default)
            VALUES (@Id, @TeamId, @Name, @FromAddress, @Hint, @EncryptedApiKey,
                    NOT EXISTS (SELECT 1 FROM senders s WHERE s.team_id = @TeamId AND s.is_default))
            RETURNING id, name, key_hint AS hint, from_address, is_default, created_at
            """,
            new { Id = id, TeamId = teamId, Name = name, FromAddress = fromAddress, Hint = hint, EncryptedApiKey = encryptedApiKey },
            transaction, cancellationToken: cancellationToken));
        await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return sender;
    }

    public async Task<IReadOnlyList<Sender>> ListForTeamAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Sender>(new CommandDefinition(
            """
            SELECT id, name, key_hint AS hint, from_address, is_default, created_at
            FROM senders
            WHERE team_id = @TeamId
            ORDER BY is_default DESC, created_at
            """,
            new { TeamId = teamId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>
    /// The sender with <paramref name="senderId"/>, or the team's default when it is null, with its
    /// ciphertext; null when missing or another team's.
    /// </summary>
    public async Task<(Sender Sender, string EncryptedApiKey)?> GetWithKeyAsync(Guid teamId, Guid? senderId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SenderWithKey>(new CommandDefinition(
            """
            SELECT id, name, key_hint AS hint, from_address, is_default, created_at, encrypted_api_key
            FROM senders
            WHERE team_id = @TeamId
              AND (id = @SenderId OR (@SenderId::uuid IS NULL AND is_default))
            """,
            new { TeamId = teamId, SenderId = senderId }, cancellationToken: cancellationToken));
        return row is null ? null : (row, row.EncryptedApiKey);
    }

    /// <summary>Applies the given changes; null when the sender is missing or another team's.</summary>
    /// <remarks><paramref name="audit"/>, when given, is written only if the sender exists (a rotated key).</remarks>
    public async Task<Sender?> UpdateAsync(Guid teamId, Guid id, string? name, string? fromAddress, string? hint, string? encryptedApiKey, bool makeDefault, AuditEntry? audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (makeDefault)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE senders
                SET is_default = false
                WHERE team_id = @TeamId
                  AND is_default
                  AND id <> @Id
                  AND EXISTS (SELECT 1 FROM senders s WHERE s.id = @Id AND s.team_id = @TeamId)
                """,
                new { TeamId = teamId, Id = id }, transaction, cancellationToken: cancellationToken));
        }

        var updated = await connection.QuerySingleOrDefaultAsync<Sender>(new CommandDefinition(
            """
            UPDATE senders
            SET name = COALESCE(@Name, name),
                from_address = COALESCE(@FromAddress, from_address),
                key_hint = COALESCE(@Hint, key_hint),
                encrypted_api_key = COALESCE(@EncryptedApiKey, encrypted_api_key),
                is_default = is_default OR @MakeDefault,
                updated_at = now()
            WHERE id = @Id
              AND team_id = @TeamId
            RETURNING id, name, key_hint AS hint, from_address, is_default, created_at
            """,
            new { TeamId = teamId, Id = id, Name = name, FromAddress = fromAddress, Hint = hint, EncryptedApiKey = encryptedApiKey, MakeDefault = makeDefault },
            transaction, cancellationToken: cancellationToken));
        if (updated is not null && audit is not null)
        {
            await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    /// <summary>Deletes the row, ciphertext and all; false when missing or another team's.</summary>
    public async Task<bool> DeleteAsync(Guid teamId, Guid id, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM senders
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, transaction, cancellationToken: cancellationToken)) == 1;
        if (deleted)
        {
            await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return deleted;
    }

    private sealed record SenderWithKey : Sender
    {
        public string EncryptedApiKey { get; init; } = string.Empty;
    }
}
