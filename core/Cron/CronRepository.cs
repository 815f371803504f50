using Dapper;
using Moosermail.Core.Audit;
using Npgsql;

namespace Moosermail.Core.Cron;

/// <summary>
/// A team's cron jobs and their runs. Every statement filters on team_id; "null" or "false" means the job is
/// missing or belongs to another team, which callers answer alike (not found). The timer's cross-team work is in
/// <see cref="CronScheduleRepository"/>.
/// </summary>
public sealed class CronRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Inserts the job unless the team already has <paramref name="maxJobs"/>; false then, and nothing is stored.</summary>
    public async Task<bool> InsertAsync(Guid teamId, Guid id, CronJobFields fields, DateTimeOffset? nextRunAt, int maxJobs, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO cron_jobs (id, team_id, name, template_id, to_addresses, to_tag, variables, from_address, cron_expression, timezone, enabled, next_run_at, created_at, updated_at)
            SELECT @Id, @TeamId, @Name, @TemplateId, @ToAddresses, @ToTag, @VariablesJson::jsonb, @FromAddress, @CronExpression, @Timezone, @Enabled, @NextRunAt, @Now, @Now
            WHERE (SELECT count(*) FROM cron_jobs WHERE team_id = @TeamId) < @MaxJobs
            """,
            new { Id = id, TeamId = teamId, fields.Name, fields.TemplateId, fields.ToAddresses, fields.ToTag, fields.VariablesJson, fields.FromAddress, fields.CronExpression, fields.Timezone, fields.Enabled, NextRunAt = nextRunAt, Now = now, MaxJobs = maxJobs },
            transaction, cancellationToken: cancellationToken)) == 1;
        if (inserted)
        {
            await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return inserted;
    }

    /// <summary>The team's jobs, newest first (without next_runs, which the service adds).</summary>
    public async Task<IReadOnlyList<CronJob>> ListForTeamAsync(Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CronJob>(new CommandDefinition(
            """
            SELECT j.id, j.name, j.template_id, t.name AS template_name, j.to_addresses, j.to_tag, j.variables::text AS variables_json,
                   j.from_address, j.cron_expression, j.timezone, j.enabled, j.next_run_at, j.created_at, j.updated_at,
                   (SELECT max(r.slot) FROM cron_runs r WHERE r.job_id = j.id AND r.team_id = j.team_id AND r.status <> 'skipped') AS last_run_at
            FROM cron_jobs j
            LEFT JOIN templates t ON t.id = j.template_id AND t.team_id = j.team_id
            WHERE j.team_id = @TeamId
            ORDER BY j.created_at DESC, j.id
            """,
            new { TeamId = teamId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Null when the job is missing or belongs to another team.</summary>
    public async Task<CronJob?> GetAsync(Guid teamId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CronJob>(new CommandDefinition(
            """
            SELECT j.id, j.name, j.template_id, t.name AS template_name, j.to_addresses, j.to_tag, j.variables::text AS variables_json,
                   j.from_address, j.cron_expression, j.timezone, j.enabled, j.next_run_at, j.created_at, j.updated_at,
                   (SELECT max(r.slot) FROM cron_runs r WHERE r.job_id = j.id AND r.team_id = j.team_id AND r.status <> 'skipped') AS last_run_at
            FROM cron_jobs j
            LEFT JOIN templates t ON t.id = j.template_id AND t.team_id = j.team_id
            WHERE j.id = @Id
              AND j.team_id = @TeamId
            """,
            new { TeamId = teamId, Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Applies <paramref name="fields"/> (null keeps a column; <c>to</c> and <c>to_tag</c> replace each other). When
    /// <paramref name="scheduleChanged"/>, next_run_at becomes <paramref name="nextRunAt"/>. False when missing or another team's.
    /// </summary>
    public async Task<bool> UpdateAsync(Guid teamId, Guid id, CronJobFields fields, bool scheduleChanged, DateTimeOffset? nextRunAt, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE cron_jobs
            SET name = COALESCE(@Name, name),
                template_id = COALESCE(@TemplateId, template_id),
                to_addresses = CASE WHEN @ToAddresses::text[] IS NOT NULL THEN @ToAddresses::text[] WHEN @ToTag::text IS NOT NULL THEN NULL ELSE to_addresses END,
                to_tag = CASE WHEN @ToTag::text IS NOT NULL THEN @ToTag::text WHEN @ToAddresses::text[] IS NOT NULL THEN NULL ELSE to_tag END,
                variables = COALESCE(@VariablesJson::jsonb, variables),
                from_address = CASE WHEN @ClearFrom THEN NULL ELSE COALESCE(@FromAddress, from_address) END,
                cron_expression = COALESCE(@CronExpression, cron_expression),
                timezone = COALESCE(@Timezone, timezone),
                enabled = COALESCE(@Enabled, enabled),
                next_run_at = CASE WHEN @ScheduleChanged THEN @NextRunAt ELSE next_run_at END,
                updated_at = @Now
            WHERE id = @Id
              AND team_id = @TeamId
            """,
            new
            {
                Id = id,
                TeamId = teamId,
                fields.Name,
                fields.TemplateId,
                fields.ToAddresses,
                fields.ToTag,
                fields.VariablesJson,
                fields.ClearFrom,
                fields.FromAddress,
                fields.CronExpression,
                fields.Timezone,
                fields.Enabled,
                ScheduleChanged = scheduleChanged,
                NextRunAt = nextRunAt,
                Now = now,
            },
            transaction, cancellationToken: cancellationToken)) == 1;
        if (updated)
        {
            await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return updated;
    }

    /// <summary>Deletes the job and its runs; false when missing or another team's.</summary>
    public async Task<bool> DeleteAsync(Guid teamId, Guid id, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM cron_jobs
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

    /// <summary>The job's latest runs, newest slot first, each with the emails it produced.</summary>
    public async Task<IReadOnlyList<CronRun>> ListRunsAsync(Guid teamId, Guid jobId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var runs = (await connection.QueryAsync<CronRun>(new CommandDefinition(
            """
            SELECT slot, status, email_ids, skipped_recipients, missed_slots, error, claimed_at, finished_at
            FROM cron_runs
            WHERE team_id = @TeamId
              AND job_id = @JobId
            ORDER BY slot DESC
            LIMIT @Limit
            """,
            new { TeamId = teamId, JobId = jobId, Limit = limit }, cancellationToken: cancellationToken))).ToList();
        var ids = runs.SelectMany(r => r.EmailIds).ToArray();
        if (ids.Length == 0)
        {
            return runs;
        }

        var emails = (await connection.QueryAsync<(Guid Id, string[] To, string Status)>(new CommandDefinition(
            """
            SELECT id, to_addresses, status
            FROM emails
            WHERE team_id = @TeamId
              AND id = ANY(@Ids)
            """,
            new { TeamId = teamId, Ids = ids }, cancellationToken: cancellationToken))).ToDictionary(e => e.Id);
        return runs.Select(r => r with
        {
            Emails = r.EmailIds.Where(emails.ContainsKey).Select(id => new CronRunEmail(id, emails[id].To, emails[id].Status)).ToList(),
        }).ToList();
    }
}
