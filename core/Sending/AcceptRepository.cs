using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Moosermail.Core.Contacts;
using Moosermail.Core.Errors;
using Npgsql;

namespace Moosermail.Core.Sending;

/// <summary>An Idempotency-Key as one route of one team sees it; the hash is of the canonical request body.</summary>
public sealed record IdempotencyClaim(string Scope, string Key, byte[] RequestHash)
{
    /// <summary>Kept this long; after that the same key starts afresh.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>Longer than any request lives; an answer still missing after this was never going to come.</summary>
    public static readonly TimeSpan Interrupted = TimeSpan.FromMinutes(5);

    public const int MaxKeyLength = 256;

    public static IdempotencyClaim? For(string scope, string? key, string canonicalRequest) =>
        key is null ? null : new(scope, key, SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonicalRequest)));
}

/// <summary>A row of the send log about to be stored.</summary>
public sealed record NewEmail(Guid Id, string From, IReadOnlyList<string> To, string Subject, string Status, string Payload, IReadOnlyList<string> Tags, DateTimeOffset? ScheduledAt, Guid? TemplateId, Guid? TriggerId,
    Guid? CronJobId = null, string? CronName = null);

/// <summary>One outbox job about to be stored: its sender and the emails it sends together.</summary>
public sealed record NewJob(Guid Id, Guid SenderId, IReadOnlyList<NewEmail> Emails);

/// <summary>Runs inside the accept transaction, after the emails (whose ids it gets) are stored and before the commit.</summary>
public delegate Task AcceptHook(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Guid> emailIds, CancellationToken cancellationToken);

/// <summary>
/// Stores accepted sends. <see cref="AcceptAsync"/> is the one transaction in which a send becomes real:
/// the Idempotency-Key (if any) is reserved and the emails with their outbox jobs are inserted, all or
/// nothing. Every statement filters on or writes the caller's team.
/// </summary>
public sealed class AcceptRepository(NpgsqlDataSource dataSource)
{
    /// <summary>The JSON the enqueue command expands: snake_case names, as its recordset columns.</summary>
    private static readonly JsonSerializerOptions s_rows = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Reserves <paramref name="claim"/> and enqueues <paramref name="jobs"/> in one transaction. Returns null
    /// when accepted, or the stored answer of an earlier request with the same key and body (nothing is
    /// stored then). A concurrent duplicate waits on the reservation's row lock, then sees it in flight.
    /// </summary>
    /// <exception cref="ConflictException">The key was used with another body, or its request is still running or was interrupted.</exception>
    public async Task<string?> AcceptAsync(Guid teamId, IdempotencyClaim? claim, IReadOnlyList<NewJob> jobs, IReadOnlyList<string> contacts, DateTimeOffset now, CancellationToken cancellationToken, AcceptHook? within = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (claim is null && within is null)
        {
            // One command, one Sync: Postgres runs it as one implicit transaction, so all or nothing in one round trip.
            await EnqueueAsync(connection, null, teamId, jobs, contacts, now, cancellationToken);
            return null;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (claim is not null && await ReserveAsync(connection, transaction, teamId, claim, jobs.SelectMany(j => j.Emails).Select(e => e.Id).ToArray(), now, cancellationToken) is { } answer)
        {
            return answer;
        }

        await EnqueueAsync(connection, transaction, teamId, jobs, contacts, now, cancellationToken);
        if (within is not null)
        {
            await within(connection, transaction, jobs.SelectMany(j => j.Emails).Select(e => e.Id).ToList(), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>Keeps <paramref name="answer"/> for replays of the request that reserved <paramref name="claim"/>.</summary>
    public async Task StoreAnswerAsync(Guid teamId, IdempotencyClaim claim, string answer, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE idempotency_keys
            SET answer = @Answer
            WHERE team_id = @TeamId
              AND scope = @Scope
              AND key = @Key
            """,
            new { TeamId = teamId, claim.Scope, claim.Key, Answer = answer }, cancellationToken: cancellationToken));
    }

    private static async Task<string?> ReserveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid teamId, IdempotencyClaim claim, Guid[] emailIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reserved = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO idempotency_keys (team_id, scope, key, request_hash, email_ids, created_at)
            VALUES (@TeamId, @Scope, @Key, @Hash, @EmailIds, @Now)
            ON CONFLICT (team_id, scope, key) DO UPDATE
            SET request_hash = @Hash, answer = NULL, email_ids = @EmailIds, created_at = @Now
            WHERE idempotency_keys.created_at < @Expired
            """,
            new { TeamId = teamId, claim.Scope, claim.Key, Hash = claim.RequestHash, EmailIds = emailIds, Now = now, Expired = now - IdempotencyClaim.Retention },
            transaction, cancellationToken: cancellationToken));
        if (reserved == 1)
        {
            return null;
        }

        var existing = await connection.QuerySingleAsync<(byte[] Hash, string? Answer, Guid[] EmailIds, DateTime CreatedAt)>(new CommandDefinition(
            """
            SELECT request_hash, answer, email_ids, created_at
            FROM idempotency_keys
            WHERE team_id = @TeamId
              AND scope = @Scope
              AND key = @Key
            """,
            new { TeamId = teamId, claim.Scope, claim.Key }, transaction, cancellationToken: cancellationToken));
        if (!CryptographicOperations.FixedTimeEquals(existing.Hash, claim.RequestHash))
        {
            throw new ConflictException("This Idempotency-Key was already used with a different request body. Use a new key for a new request.");
        }

        return existing.Answer
            ?? throw (new DateTimeOffset(existing.CreatedAt, TimeSpan.Zero) < now - IdempotencyClaim.Interrupted
                ? new ConflictException("The request with this Idempotency-Key was interrupted after its emails were accepted; they are in the outbox and will be sent once. Follow them with GET /api/emails/{id}.")
                {
                    Extensions = new Dictionary<string, object?> { ["email_ids"] = existing.EmailIds },
                }
                : new ConflictException("A request with this Idempotency-Key is still being processed. Retry shortly to get its result."));
    }

    /// <summary>
    /// Stores every job's emails (each with its first event), the jobs themselves and the recipients as contacts (with
    /// contact.created for the team's outbound webhooks, built in SQL only for the contacts that are new) in ONE command of fixed text, whatever the number of emails: the rows travel as JSON parameters and are expanded
    /// by jsonb_to_recordset, so the command is one round trip (and, without an explicit transaction, one implicit
    /// transaction: all or nothing).
    /// </summary>
    private static async Task EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid teamId, IReadOnlyList<NewJob> jobs, IReadOnlyList<string> contacts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var emails = jobs.SelectMany(job => job.Emails.Select(email => new EmailRow(
            email.Id, job.SenderId, email.From, email.To, email.Subject, email.Status, email.Payload, email.Tags, Microseconds(email.ScheduledAt), email.TemplateId, email.TriggerId,
            email.CronJobId, email.CronName))).ToList();
        if (emails.Count == 0)
        {
            return;
        }

        var outbox = jobs.Select(job => new JobRow(job.Id, job.SenderId, job.Emails.Select(e => e.Id).ToList(), Microseconds(job.Emails[0].ScheduledAt))).ToList();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO emails (id, team_id, sender_id, from_address, to_addresses, subject, status, payload, tags, scheduled_at, template_id, trigger_id, cron_job_id, cron_name, created_at, updated_at)
            SELECT e.id, @TeamId, e.sender_id, e.from_address, e.to_addresses, e.subject, e.status, CAST(e.payload AS jsonb), e.tags, e.scheduled_at, e.template_id, e.trigger_id, e.cron_job_id, e.cron_name, @Now, @Now
            FROM jsonb_to_recordset(CAST(@Emails AS jsonb)) AS e (id uuid, sender_id uuid, from_address text, to_addresses text[], subject text, status text, payload text, tags text[], scheduled_at timestamptz, template_id uuid, trigger_id uuid, cron_job_id uuid, cron_name text);
            INSERT INTO email_events (email_id, team_id, type, occurred_at)
            SELECT e.id, @TeamId, e.status, @Now
            FROM jsonb_to_recordset(CAST(@Emails AS jsonb)) AS e (id uuid, status text);
            INSERT INTO outbox_jobs (id, team_id, sender_id, email_ids, next_attempt_at, created_at)
            SELECT j.id, @TeamId, j.sender_id, j.email_ids, COALESCE(j.scheduled_at, @Now), @Now
            FROM jsonb_to_recordset(CAST(@Jobs AS jsonb)) AS j (id uuid, sender_id uuid, email_ids uuid[], scheduled_at timestamptz);
            """ + "\n" + ContactRepository.InsertMissingWithEventsSql + "\nSELECT count(*) FROM collected;",
            new
            {
                TeamId = teamId,
                Now = now,
                Emails = JsonSerializer.Serialize(emails, s_rows),
                Jobs = JsonSerializer.Serialize(outbox, s_rows),
                ContactIds = contacts.Select(_ => Guid.NewGuid()).ToArray(),
                ContactEmails = contacts.ToArray(),
            },
            transaction, cancellationToken: cancellationToken));
    }

    private sealed record EmailRow(
        Guid Id, Guid SenderId, string FromAddress, IReadOnlyList<string> ToAddresses, string Subject, string Status, string Payload, IReadOnlyList<string> Tags,
        DateTimeOffset? ScheduledAt, Guid? TemplateId, Guid? TriggerId, Guid? CronJobId, string? CronName);

    private sealed record JobRow(Guid Id, Guid SenderId, IReadOnlyList<Guid> EmailIds, DateTimeOffset? ScheduledAt);

    /// <summary>
    /// A time as a timestamptz parameter would carry it: Npgsql truncates to microseconds, while Postgres ROUNDS the
    /// 100 ns digit of a JSON timestamp, which could put a job a fraction of a microsecond after "now" (not yet due).
    /// </summary>
    private static DateTimeOffset? Microseconds(DateTimeOffset? time) =>
        time is { } t ? new DateTimeOffset(t.Ticks - (t.Ticks % 10), t.Offset) : null;
}
