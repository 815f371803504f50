using Dapper;
using Moosermail.Core.Audit;
using Npgsql;

namespace Moosermail.Core.Pipes;

/// <summary>
/// A team's pipes. Every statement filters on team_id; another team's pipe is "not found". Each change appends its
/// audit event in the same transaction.
/// </summary>
public sealed class PipeRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Stores the pipe with <paramref name="signingSecret"/> (a SecretCipher envelope, or null) and its audit event.</summary>
    public async Task<Pipe> InsertAsync(Guid teamId, Pipe pipe, string? signingSecret, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var created = await connection.QuerySingleAsync<Pipe>(new CommandDefinition(
            """
            INSERT INTO pipes (id, team_id, name, action, match_from, match_subject, match_body, match_all, action_url, action_to,
                               action_template_id, action_tag, strip_closers, enabled, created_at, updated_at, signing_secret)
            VALUES (@Id, @TeamId, @Name, @Action, @MatchFrom, @MatchSubject, @MatchBody, @MatchAll, @ActionUrl, @ActionTo,
                    @ActionTemplateId, @ActionTag, @StripClosers, @Enabled, @CreatedAt, @UpdatedAt, @SigningSecret)
            RETURNING id, name, action, match_from, match_subject, match_body, match_all, action_url, action_to,
                      action_template_id, action_tag, strip_closers, enabled, created_at, updated_at, signing_secret IS NOT NULL AS has_signing_secret
            """,
            WithSecret(teamId, pipe, signingSecret), transaction, cancellationToken: cancellationToken));
        await AuditLog.AppendAsync(connection, transaction, audit, pipe.CreatedAt, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>The team's pipes in creation order, the order they run in.</summary>
    public async Task<IReadOnlyList<Pipe>> ListForTeamAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Pipe>(new CommandDefinition(
            """
            SELECT id, name, action, match_from, match_subject, match_body, match_all, action_url, action_to,
                   action_template_id, action_tag, strip_closers, enabled, created_at, updated_at, signing_secret IS NOT NULL AS has_signing_secret
            FROM pipes
            WHERE team_id = @TeamId
            ORDER BY seq
            """,
            new { TeamId = teamId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Null when the pipe is missing or belongs to another team.</summary>
    public async Task<Pipe?> GetAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Pipe>(new CommandDefinition(
            """
            SELECT id, name, action, match_from, match_subject, match_body, match_all, action_url, action_to,
                   action_template_id, action_tag, strip_closers, enabled, created_at, updated_at, signing_secret IS NOT NULL AS has_signing_secret
            FROM pipes
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Writes the whole pipe if it is still as it was read (<paramref name="readAt"/> is the updated_at then), so two
    /// concurrent partial updates cannot mix. Null when missing, another team's, or changed meanwhile.
    /// </summary>
    public async Task<Pipe?> UpdateAsync(Guid teamId, Pipe pipe, string? newSigningSecret, DateTimeOffset readAt, AuditEntry audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parameters = WithSecret(teamId, pipe, newSigningSecret);
        parameters.Add("ReadAt", readAt);
        var updated = await connection.QuerySingleOrDefaultAsync<Pipe>(new CommandDefinition(
            """
            UPDATE pipes
            SET name = @Name,
                action = @Action,
                match_from = @MatchFrom,
                match_subject = @MatchSubject,
                match_body = @MatchBody,
                match_all = @MatchAll,
                action_url = @ActionUrl,
                action_to = @ActionTo,
                action_template_id = @ActionTemplateId,
                action_tag = @ActionTag,
                strip_closers = @StripClosers,
                enabled = @Enabled,
                signing_secret = COALESCE(@SigningSecret, signing_secret),
                updated_at = @UpdatedAt
            WHERE id = @Id
              AND team_id = @TeamId
              AND updated_at = @ReadAt
            RETURNING id, name, action, match_from, match_subject, match_body, match_all, action_url, action_to,
                      action_template_id, action_tag, strip_closers, enabled, created_at, updated_at, signing_secret IS NOT NULL AS has_signing_secret
            """,
            parameters,
            transaction, cancellationToken: cancellationToken));
        if (updated is not null)
        {
            await AuditLog.AppendAsync(connection, transaction, audit, pipe.UpdatedAt, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    /// <summary>False when the pipe is missing or belongs to another team.</summary>
    public async Task<bool> DeleteAsync(Guid teamId, Guid id, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM pipes
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, transaction, cancellationToken: cancellationToken));
        if (deleted == 1)
        {
            await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted == 1;
    }

    private static DynamicParameters WithSecret(Guid teamId, Pipe pipe, string? signingSecret)
    {
        var parameters = new DynamicParameters(Parameters(teamId, pipe));
        parameters.Add("SigningSecret", signingSecret);
        return parameters;
    }

    private static object Parameters(Guid teamId, Pipe pipe) => new
    {
        TeamId = teamId,
        pipe.Id,
        pipe.Name,
        pipe.Action,
        pipe.MatchFrom,
        pipe.MatchSubject,
        pipe.MatchBody,
        pipe.MatchAll,
        pipe.ActionUrl,
        pipe.ActionTo,
        pipe.ActionTemplateId,
        pipe.ActionTag,
        pipe.StripClosers,
        pipe.Enabled,
        pipe.CreatedAt,
        pipe.UpdatedAt,
    };
}
