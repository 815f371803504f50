using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Contacts;
using Moosermail.Core.Errors;
using Moosermail.Core.Resend;
using Moosermail.Core.Security;
using Moosermail.Core.Senders;
using Moosermail.Core.Suppressions;
using Npgsql;

namespace Moosermail.Core.Sending;

/// <summary>An email ready to be accepted, with where it came from.</summary>
public sealed record OutgoingEmail(ValidatedEmail Email, Guid? TemplateId = null, Guid? TriggerId = null, string FieldPrefix = "");

/// <summary>
/// Accepts emails: validates, picks the sender, stores the emails and their outbox jobs in one transaction
/// (with the Idempotency-Key, if any), then makes one inline attempt. Whatever happens after the commit,
/// the email is in the outbox and the dispatcher will finish the job.
/// </summary>
public sealed class SendService(
    NpgsqlDataSource dataSource,
    SenderRepository senders,
    TemplateContent templates,
    ContactService contacts,
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
        CheckKey(idempotencyKey, errors);
        var (email, templateId) = await templates.ValidateAsync(caller.TeamId, input, now, errors, "", cancellationToken);
        errors.ThrowIfAny();
        await suppressions.RefuseSuppressedAsync(caller.TeamId, [email!], batch: false, cancellationToken);

        var accepted = await AcceptAsync(caller.TeamId, "send", idempotencyKey, Canonical(input), [new OutgoingEmail(email!, templateId)], cancellationToken);
        if (accepted.Replay is { } replay)
        {
            return replay;
        }

        var result = accepted.Results[0];
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
        await CompleteAsync(caller.TeamId, "send", idempotencyKey, response);
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
        var outgoing = new List<OutgoingEmail>();
        for (var i = 0; i < messages.Count; i++)
        {
            var (email, templateId) = await templates.ValidateAsync(caller.TeamId, messages[i], now, errors, $"emails[{i}].", cancellationToken);
            outgoing.Add(new OutgoingEmail(email!, templateId, FieldPrefix: $"emails[{i}]."));
        }

        errors.ThrowIfAny();
        await suppressions.RefuseSuppressedAsync(caller.TeamId, outgoing.Select(o => o.Email).ToList(), batch: true, cancellationToken);
        var accepted = await AcceptAsync(caller.TeamId, "batch", idempotencyKey, Canonical(input), outgoing, cancellationToken);
        if (accepted.Replay is { } replay)
        {
            return replay;
        }

        var response = new StoredResponse(202, ApiJson.Serialize(new { data = accepted.Results }));
        await CompleteAsync(caller.TeamId, "batch", idempotencyKey, response);
        return response;
    }

    /// <summary>
    /// Stores <paramref name="emails"/> as outbox jobs (one per email with attachments or a schedule, the
    /// rest grouped per sender into Resend batches of up to 100), tries the unscheduled ones at once, and
    /// collects the recipients as contacts. Returns a stored answer instead when the Idempotency-Key replays.
    /// </summary>
    public async Task<(IReadOnlyList<SendResult> Results, StoredResponse? Replay)> AcceptAsync(
        Guid teamId, string scope, string? idempotencyKey, string canonicalRequest, IReadOnlyList<OutgoingEmail> emails, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var all = await senders.ListForTeamAsync(teamId, cancellationToken);
        var prepared = emails.Select(e =>
        {
            var (senderId, from) = ChooseSender(all, e.Email, e.FieldPrefix);
            return (SenderId: senderId, Email: ToNewEmail(e, from), Alone: e.Email.ScheduledAt is not null || e.Email.Attachments.Count > 0);
        }).ToList();
        var jobs = prepared
            .GroupBy(p => (p.SenderId, p.Alone))
            .SelectMany(g => g.Key.Alone ? g.Select(p => new[] { p }) : g.Chunk(MaxBatch))
            .Select(chunk => (chunk[0].SenderId, JobId: Guid.NewGuid(), Emails: (IReadOnlyList<NewEmail>)chunk.Select(p => p.Email).ToList()))
            .ToList();

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (idempotencyKey is not null
                && await IdempotencyStore.ReserveAsync(connection, transaction, teamId, scope, idempotencyKey, IdempotencyStore.Hash(canonicalRequest), prepared.Select(p => p.Email.Id).ToList(), now, cancellationToken) is { } replay)
            {
                return ([], replay);
            }

            foreach (var (senderId, jobId, jobEmails) in jobs)
            {
                await OutboxRepository.EnqueueAsync(connection, transaction, teamId, senderId, jobId, jobEmails, now, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        logger.LogInformation("Accepted {Count} email(s) for team {TeamId} in {Jobs} job(s)", emails.Count, teamId, jobs.Count);

        // Committed means accepted: from here on nothing may turn into an error answer, or a client would
        // retry an email that is already on its way. The inline attempt is not tied to the request either:
        // a client hanging up must not cut a call to Resend short.
        try
        {
            await contacts.CollectRecipientsAsync(teamId, emails.SelectMany(e => e.Email.AllRecipients).Select(FromAddress.AddressOf), CancellationToken.None);
            foreach (var job in jobs.Where(j => j.Emails[0].ScheduledAt is null))
            {
                await dispatcher.DispatchAsync(job.JobId, CancellationToken.None);
            }

            return (await ResultsAsync(teamId, prepared.Select(p => p.Email.Id).ToList(), CancellationToken.None), null);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or HttpRequestException or InvalidOperationException)
        {
            logger.LogWarning(ex, "After accepting {Count} email(s) for team {TeamId}, the inline attempt failed; the dispatcher will send them", emails.Count, teamId);
            return (prepared.Select(p => new SendResult { Id = p.Email.Id, Status = p.Email.Status, ScheduledAt = p.Email.ScheduledAt }).ToList(), null);
        }
    }

    private Task CompleteAsync(Guid teamId, string scope, string? key, StoredResponse response) =>
        key is null ? Task.CompletedTask : idempotency.CompleteAsync(teamId, scope, key, response, CancellationToken.None);

    /// <summary>The sender named by sender_id, or whose address matches from, or the team's default.</summary>
    private static (Guid Id, string From) ChooseSender(IReadOnlyList<Sender> all, ValidatedEmail email, string prefix)
    {
        if (all.Count == 0)
        {
            throw new ValidationFailedException($"{prefix}from", "This team has no Resend key yet. Add one with POST /api/keys {api_key, from_address}.");
        }

        var sender = email.SenderId is { } id ? all.FirstOrDefault(s => s.Id == id)
            : email.From is { } from ? all.FirstOrDefault(s => string.Equals(FromAddress.AddressOf(s.FromAddress), FromAddress.AddressOf(from), StringComparison.OrdinalIgnoreCase))
            : all.FirstOrDefault(s => s.IsDefault) ?? all[0];
        return sender is null
            ? throw new ValidationFailedException(email.SenderId is null ? $"{prefix}from" : $"{prefix}sender_id",
                $"is not one of this team's senders: {string.Join(", ", all.Select(s => FromAddress.AddressOf(s.FromAddress)))}.")
            : (sender.Id, email.From ?? sender.FromAddress);
    }

    private static NewEmail ToNewEmail(OutgoingEmail outgoing, string from)
    {
        var email = outgoing.Email;
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
            JsonSerializer.Serialize(payload, ResendJson.Options), email.Tags.Select(t => $"{t.Name}:{t.Value}").ToList(), email.ScheduledAt,
            outgoing.TemplateId, outgoing.TriggerId);
    }

    private static string Canonical<T>(T input) => JsonSerializer.Serialize(input, ApiJson.Options);

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
