using Dapper;
using Npgsql;

namespace Moosermail.Core.Pipes;

/// <summary>
/// Team-scoped statements of pipe runs and their actions. Every statement filters on team_id: another team's pipe or
/// email is "not found" (empty, null or false).
/// </summary>
public sealed class PipeRunRepository(NpgsqlDataSource dataSource)
{
    /// <summary>The pipe's runs, newest first, without the unmatched markers. Empty for another team's pipe.</summary>
    public async Task<IReadOnlyList<PipeRun>> ListAsync(Guid teamId, Guid pipeId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PipeRun>(new CommandDefinition(
            """
            SELECT id, received_email_id, status, attempts, detail, last_error,
                   CASE WHEN status = 'pending' THEN next_attempt_at END AS next_attempt_at, created_at, completed_at
            FROM pipe_runs
            WHERE team_id = @TeamId
              AND pipe_id = @PipeId
              AND status <> 'unmatched'
            ORDER BY created_at DESC, id DESC
            LIMIT @Limit
            """,
            new { TeamId = teamId, PipeId = pipeId, Limit = limit }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>The pipe's encrypted signing secret; null when it has none, or is missing or another team's.</summary>
    public async Task<string?> SigningSecretAsync(Guid teamId, Guid pipeId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            """
            SELECT signing_secret
            FROM pipes
            WHERE id = @PipeId
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, PipeId = pipeId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The tag and hide actions: sets is_hidden, is_read, or adds a label (flag, pin) to the received email, keeping the
    /// labels it has. False when the email is missing or another team's.
    /// </summary>
    public async Task<bool> MarkEmailAsync(Guid teamId, Guid emailId, bool hide, bool read, string? label, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE received_emails
            SET is_hidden = is_hidden OR @Hide,
                is_read = is_read OR @Read,
                labels = CASE
                    WHEN @Label::text IS NULL OR @Label::text = ANY (labels) THEN labels
                    ELSE array_append(labels, @Label::text)
                END
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new { TeamId = teamId, Id = emailId, Hide = hide, Read = read, Label = label }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Takes this pipe's 24-hour auto-reply slot for <paramref name="address"/>: true when the address had no reply from
    /// the pipe in the last 24 hours, or when <paramref name="runId"/> already holds the slot (a retry of the same run).
    /// </summary>
    public async Task<bool> TryTakeAutoReplySlotAsync(Guid teamId, Guid pipeId, string address, Guid runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var holder = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            """
            INSERT INTO pipe_auto_replies (team_id, pipe_id, address, run_id, sent_at)
            VALUES (@TeamId, @PipeId, @Address, @RunId, @Now)
            ON CONFLICT (pipe_id, address) DO UPDATE
            SET run_id = EXCLUDED.run_id,
                sent_at = EXCLUDED.sent_at
            WHERE pipe_auto_replies.team_id = @TeamId
              AND (pipe_auto_replies.sent_at <= @DayAgo OR pipe_auto_replies.run_id = @RunId)
            RETURNING run_id
            """,
            new { TeamId = teamId, PipeId = pipeId, Address = address, RunId = runId, Now = now, DayAgo = now.AddHours(-24) },
            cancellationToken: cancellationToken));
        return holder == runId;
    }
}
