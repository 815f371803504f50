using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.Resend;
using Moosermail.Core.Security;
using Moosermail.Core.Senders;
using Moosermail.Core.Suppressions;
using Npgsql;

namespace Moosermail.Core.Sending;

/// <summary>
/// Accepts emails: validates, picks the sender, stores the emails and their outbox job in one transaction
/// (with the Idempotency-Key, if any), then makes one inline attempt. Whatever happens after the commit,
/// the email is in the outbox and the dispatcher will finish the job.
/// </summary>
public sealed class SendService(
    NpgsqlDataSource dataSource,
    SenderRepository senders,
    OutboxDispatcher dispatcher,
    IdempotencyStore idempotency,
    SuppressionService suppressions,
    TimeProvider time,
    ILogger<SendService> logger)
{
    public const int MaxBatch = 100;

    public async Task<StoredResponse> SendAsync(Caller caller, SendInput input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var email = SendValidator.Validate(input, now, errors);
        CheckKey(idempotencyKey, errors);
        errors.ThrowIfAny();
        await suppressions.RefuseSuppressedAsync(caller.TeamId, [email!], batch: false, cancellationToken);
        var (senderId, from) = await ChooseSenderAsync(caller.TeamId, email!, "", cancellationToken);

        var message = ToNewEmail(email!, from);
        var jobId = Guid.NewGuid();
        var replay = await EnqueueAsync(caller.TeamId, "send", idempotencyKey, JsonSerializer.Serialize(input, ApiJson.Options), [(senderId, jobId, [message])], now, cancellationToken);
        if (replay is not null)
        {
            return replay;
        }

        if (email!.ScheduledAt is null)
        {
            await dispatcher.DispatchAsync(jobId, cancellationToken);
        }

        var result = (await ResultsAsync(caller.TeamId, [message.Id], cancellationToken))[0];
        var response = result.Status switch
        {
            "failed" => new StoredResponse(422, ApiJson.Serialize(new
            {
                type = "https://httpstatuses.io/422",
                title = "Resend refused the email",
                status = 422,
                detail = result.Error,
                email_id = result.Id,
            })),
            "sent" => new StoredResponse(200, ApiJson.Serialize(result)),
            _ => new StoredResponse(202, ApiJson.Serialize(result)),
        };
        await CompleteAsync(caller.TeamId, "send", idempotencyKey, response, cancellationToken);
        return response;
    }

    public async Task<StoredResponse> SendBatchAsync(Caller caller, BatchInput input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var messages = input.Emails ?? [];
        if (messages.Count is 0 or > MaxBatch)
        {
            errors.Add("emails", $"must hold 1 to {MaxBatch} emails.");
        }

        CheckKey(idempotencyKey, errors);
        errors.ThrowIfAny();
        var validated = messages.Select((m, i) => SendValidator.Validate(m, now, errors, $"emails[{i}].")).ToList();
        errors.ThrowIfAny();
        await suppressions.RefuseSuppressedAsync(caller.TeamId, validated.Select(v => v!).ToList(), batch: true, cancellationToken);

        var chosen = new List<(Guid SenderId, NewEmail Email, bool Alone)>();
        for (var i = 0; i < validated.Count; i++)
        {
            var (senderId, from) = await ChooseSenderAsync(caller.TeamId, validated[i]!, $"emails[{i}].", cancellationToken);
            chosen.Add((senderId, ToNewEmail(validated[i]!, from), validated[i]!.ScheduledAt is not null || validated[i]!.Attachments.Count > 0));
        }

        // Resend's batch endpoint takes neither attachments nor scheduled_at: those go alone.
        var jobs = chosen.Where(c => c.Alone).Select(c => (c.SenderId, Emails: (IReadOnlyList<NewEmail>)[c.Email]))
            .Concat(chosen.Where(c => !c.Alone).GroupBy(c => c.SenderId).Select(g => (g.Key, Emails: (IReadOnlyList<NewEmail>)g.Select(c => c.Email).ToList())))
            .Select(j => (SenderId: j.Item1, JobId: Guid.NewGuid(), j.Emails))
            .ToList();
        var replay = await EnqueueAsync(caller.TeamId, "batch", idempotencyKey, JsonSerializer.Serialize(input, ApiJson.Options), jobs, now, cancellationToken);
        if (replay is not null)
        {
            return replay;
        }

        foreach (var job in jobs.Where(j => j.Emails[0].ScheduledAt is null))
        {
            await dispatcher.DispatchAsync(job.JobId, cancellationToken);
        }

        var results = await ResultsAsync(caller.TeamId, chosen.Select(c => c.Email.Id).ToList(), cancellationToken);
        var response = new StoredResponse(202, ApiJson.Serialize(new { data = results }));
        await CompleteAsync(caller.TeamId, "batch", idempotencyKey, response, cancellationToken);
        return response;
    }

    private async Task<StoredResponse?> EnqueueAsync(Guid teamId, string scope, string? key, string canonicalRequest, IReadOnlyList<(Guid SenderId, Guid JobId, IReadOnlyList<NewEmail> Emails)> jobs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (key is not null && await IdempotencyStore.ReserveAsync(connection, transaction, teamId, scope, key, IdempotencyStore.Hash(canonicalRequest), now, cancellationToken) is { } replay)
        {
            return replay;
        }

        foreach (var (senderId, jobId, emails) in jobs)
        {
            await OutboxRepository.EnqueueAsync(connection, transaction, teamId, senderId, jobId, emails, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Accepted {Count} email(s) for team {TeamId}", jobs.Sum(j => j.Emails.Count), teamId);
        return null;
    }

    private Task CompleteAsync(Guid teamId, string scope, string? key, StoredResponse response, CancellationToken cancellationToken) =>
        key is null ? Task.CompletedTask : idempotency.CompleteAsync(teamId, scope, key, response, CancellationToken.None);

    /// <summary>The sender named by sender_id, or whose address matches from, or the team's default.</summary>
    private async Task<(Guid SenderId, string From)> ChooseSenderAsync(Guid teamId, ValidatedEmail email, string prefix, CancellationToken cancellationToken)
    {
        var all = await senders.ListForTeamAsync(teamId, cancellationToken);
        if (all.Count == 0)
        {
            throw ApiProblemException.Validation($"{prefix}from", "This team has no Resend key yet. Add one with POST /api/keys {api_key, from_address}.");
        }

        var sender = email.SenderId is { } id ? all.FirstOrDefault(s => s.Id == id)
            : email.From is { } from ? all.FirstOrDefault(s => string.Equals(FromAddress.AddressOf(s.FromAddress), FromAddress.AddressOf(from), StringComparison.OrdinalIgnoreCase))
            : all.FirstOrDefault(s => s.IsDefault) ?? all[0];
        return sender is null
            ? throw ApiProblemException.Validation(email.SenderId is null ? $"{prefix}from" : $"{prefix}sender_id",
                $"is not one of this team's senders: {string.Join(", ", all.Select(s => FromAddress.AddressOf(s.FromAddress)))}.")
            : (sender.Id, email.From ?? sender.FromAddress);
    }

    private static NewEmail ToNewEmail(ValidatedEmail email, string from)
    {
        var payload = new SendEmailRequest
        {
            From = from,
            To = email.To,
            Subject = email.Subject,
            Text = email.Text,
            Html = email.Html,
            Cc = email.Cc.Count > 0 ? email.Cc : null,
            Bcc = email.Bcc.Count > 0 ? email.Bcc : null,
            ReplyTo = email.ReplyTo.Count > 0 ? email.ReplyTo : null,
            Headers = email.Headers.Count > 0 ? email.Headers : null,
            Attachments = email.Attachments.Count > 0 ? email.Attachments : null,
            Tags = email.Tags.Count > 0 ? email.Tags : null,
        };
        return new NewEmail(Guid.NewGuid(), from, email.To, email.Subject, email.ScheduledAt is null ? "queued" : "scheduled",
            JsonSerializer.Serialize(payload, ResendJson.Options), email.Tags.Select(t => $"{t.Name}:{t.Value}").ToList(), email.ScheduledAt, null, null);
    }

    private static void CheckKey(string? key, ValidationErrors errors)
    {
        if (key is not null && (key.Length is 0 or > IdempotencyStore.MaxKeyLength))
        {
            errors.Add("Idempotency-Key", $"must be 1 to {IdempotencyStore.MaxKeyLength} characters.");
        }
    }

    private async Task<IReadOnlyList<SendResult>> ResultsAsync(Guid teamId, IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SendResult>(new CommandDefinition(
            """
            SELECT id, status, resend_id, scheduled_at, last_error AS error
            FROM emails
            WHERE team_id = @TeamId
              AND id = ANY (@Ids)
            ORDER BY array_position(@Ids, id)
            """,
            new { TeamId = teamId, Ids = ids.ToArray() }, cancellationToken: cancellationToken));
        return rows.ToList();
    }
}
