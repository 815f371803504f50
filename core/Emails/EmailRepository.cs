using Dapper;
using Npgsql;

namespace Moosermail.Core.Emails;

/// <summary>The send log, read per team. Every statement filters on team_id; another team's email is "not found".</summary>
public sealed class EmailRepository(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<EmailSummary>> ListForTeamAsync(Guid teamId, EmailFilter filter, (DateTimeOffset At, Guid Id)? after, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EmailSummary>(new CommandDefinition(
            """
            SELECT e.id, e.from_address AS from, e.to_addresses AS to, e.subject, e.status, e.resend_id, e.tags, e.scheduled_at,
                   e.attempts, e.last_error, e.opened_count, e.clicked_count, e.created_at, e.sent_at, e.cron_job_id, e.cron_name
            FROM emails e
            WHERE e.team_id = @TeamId
              AND (@Status::text IS NULL OR e.status = @Status)
              AND (@To::text IS NULL OR EXISTS (SELECT 1 FROM unnest(e.to_addresses) t WHERE lower(t) = lower(@To) OR position('<' || lower(@To) || '>' IN lower(t)) > 0))
              AND (@From::text IS NULL OR lower(e.from_address) = lower(@From) OR position('<' || lower(@From) || '>' IN lower(e.from_address)) > 0)
              AND (@Since::timestamptz IS NULL OR e.created_at >= @Since)
              AND (@Until::timestamptz IS NULL OR e.created_at < @Until)
              AND (@Tag::text IS NULL OR EXISTS (SELECT 1 FROM unnest(e.tags) g WHERE g = @Tag OR split_part(g, ':', 1) = @Tag))
              AND (@AfterAt::timestamptz IS NULL OR (e.created_at, e.id) < (@AfterAt, @AfterId))
            ORDER BY e.created_at DESC, e.id DESC
            LIMIT @Limit
            """,
            new { TeamId = teamId, filter.Status, filter.To, filter.From, filter.Since, filter.Until, filter.Tag, AfterAt = after?.At, AfterId = after?.Id, filter.Limit },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Null when the email is missing or another team's.</summary>
    public async Task<EmailDetail?> GetForTeamAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var email = await connection.QuerySingleOrDefaultAsync<EmailSummary>(new CommandDefinition(
            """
            SELECT e.id, e.from_address AS from, e.to_addresses AS to, e.subject, e.status, e.resend_id, e.tags, e.scheduled_at,
                   e.attempts, e.last_error, e.opened_count, e.clicked_count, e.created_at, e.sent_at, e.cron_job_id, e.cron_name
            FROM emails e
            WHERE e.id = @Id
              AND e.team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken));
        if (email is null)
        {
            return null;
        }

        var events = await connection.QueryAsync<EmailEvent>(new CommandDefinition(
            """
            SELECT type, detail, occurred_at
            FROM email_events
            WHERE email_id = @Id
              AND team_id = @TeamId
            ORDER BY occurred_at, id
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken));
        return new EmailDetail(email, events.ToList());
    }

    /// <summary>
    /// Cancels or reschedules a scheduled email whose job nobody is sending. Returns the email's status
    /// before the change (null when missing or another team's), so callers can say why nothing changed.
    /// </summary>
    public async Task<string?> ChangeScheduledAsync(Guid teamId, Guid id, DateTimeOffset? newTime, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var status = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            """
            SELECT status
            FROM emails
            WHERE id = @Id
              AND team_id = @TeamId
            FOR UPDATE
            """,
            new { TeamId = teamId, Id = id }, transaction, cancellationToken: cancellationToken));
        if (status != EmailStatus.Scheduled)
        {
            return status;
        }

        var changed = await connection.ExecuteAsync(new CommandDefinition(
            newTime is null
                ? """
                  DELETE FROM outbox_jobs
                  WHERE team_id = @TeamId
                    AND @Id = ANY (email_ids)
                    AND (lease_until IS NULL OR lease_until < @Now)
                  """
                : """
                  UPDATE outbox_jobs
                  SET next_attempt_at = @NewTime
                  WHERE team_id = @TeamId
                    AND @Id = ANY (email_ids)
                    AND (lease_until IS NULL OR lease_until < @Now)
                  """,
            new { TeamId = teamId, Id = id, NewTime = newTime, Now = now }, transaction, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            return EmailStatus.Sending;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE emails
            SET status = CASE WHEN @NewTime::timestamptz IS NULL THEN 'canceled' ELSE status END,
                scheduled_at = COALESCE(@NewTime, scheduled_at), updated_at = @Now
            WHERE id = @Id
              AND team_id = @TeamId;
            INSERT INTO email_events (email_id, team_id, type, detail, occurred_at)
            VALUES (@Id, @TeamId, CASE WHEN @NewTime::timestamptz IS NULL THEN 'canceled' ELSE 'rescheduled' END, @NewTime::text, @Now);
            """,
            new { TeamId = teamId, Id = id, NewTime = newTime, Now = now }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return EmailStatus.Scheduled;
    }

    public async Task<IReadOnlyList<SendLogEntry>> SendLogAsync(Guid teamId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SendLogEntry>(new CommandDefinition(
            """
            SELECT e.id, array_to_string(e.to_addresses, ', ') AS to_address, e.status, e.resend_id, e.created_at,
                   t.name AS template_name, g.name AS trigger_name, e.cron_name, e.last_error AS error
            FROM emails e
            LEFT JOIN templates t ON t.id = e.template_id AND t.team_id = e.team_id
            LEFT JOIN triggers g ON g.id = e.trigger_id AND g.team_id = e.team_id
            WHERE e.team_id = @TeamId
            ORDER BY e.created_at DESC, e.id DESC
            LIMIT @Limit
            """,
            new { TeamId = teamId, Limit = limit }, cancellationToken: cancellationToken));
        return rows.ToList();
    }
}
