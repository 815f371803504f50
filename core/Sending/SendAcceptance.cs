using System.Text.Json;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Contacts;
using Moosermail.Core.Emails;
using Moosermail.Core.Errors;
using Moosermail.Core.Resend;
using Moosermail.Core.Senders;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Sending;

/// <summary>An email ready to be accepted, with where it came from.</summary>
public sealed record OutgoingEmail(ValidatedEmail Email, Guid? TemplateId = null, Guid? TriggerId = null, string FieldPrefix = "")
{
    /// <summary>The cron job that sends it (its id and its name now), kept on the email for the send log.</summary>
    public CronSource? Cron { get; init; }
}

/// <summary>A cron job as the send log names it.</summary>
public sealed record CronSource(Guid JobId, string Name);

/// <summary>
/// What a caller hands to the accept path: the team, the validated emails, and the Idempotency-Key (if any)
/// with the route it belongs to (<paramref name="Scope"/>) and the canonical request it must match.
/// </summary>
public sealed record AcceptRequest(Guid TeamId, string Scope, string? IdempotencyKey, string CanonicalRequest, IReadOnlyList<OutgoingEmail> Emails)
{
    /// <summary>
    /// Work that commits with the accept or not at all (a draft consumed, a reply linked to its thread); it runs after
    /// the emails are stored and before the commit, so an outcome it throws stores nothing (the key's reservation included).
    /// </summary>
    public AcceptHook? WithinTransaction { get; init; }
}

/// <summary>
/// The one path by which a send is accepted, whoever asks (/send, /send/batch, a trigger, and later cron,
/// pipes and MCP): choose each email's sender, then in one transaction reserve the Idempotency-Key and
/// enqueue the outbox jobs, then make one inline attempt, then store the caller's answer for replays.
/// Whatever happens after the commit, the emails are in the outbox and the dispatcher will finish the job.
/// </summary>
public sealed class SendAcceptance(
    SenderRepository senders,
    AcceptRepository repository,
    OutboxDispatcher dispatcher,
    TimeProvider time,
    ILogger<SendAcceptance> logger)
{
    /// <summary>Resend takes at most this many emails in one batch call.</summary>
    private const int ResendBatchLimit = 100;

    /// <summary>
    /// Accepts <paramref name="request"/>'s emails and returns <paramref name="answer"/> of their results; a
    /// repeated Idempotency-Key with the same body returns the first request's answer and accepts nothing.
    /// The answer must round-trip through <see cref="ApiJson"/>: that is how it is kept for replays.
    /// </summary>
    /// <exception cref="ValidationFailedException">An email names a sender the team does not have, or the team has none.</exception>
    /// <exception cref="ConflictException">The Idempotency-Key is in use by another body or a request still running.</exception>
    public async Task<TAnswer> AcceptAsync<TAnswer>(AcceptRequest request, Func<IReadOnlyList<SendResult>, TAnswer> answer, CancellationToken cancellationToken)
    {
        var (emails, jobs) = Plan(await senders.ListForTeamAsync(request.TeamId, cancellationToken), request.Emails);
        var claim = IdempotencyClaim.For(request.Scope, request.IdempotencyKey, request.CanonicalRequest);
        var recipients = ContactService.CollectableRecipients(request.Emails.SelectMany(e => e.Email.AllRecipients).Select(FromAddress.AddressOf));
        if (await repository.AcceptAsync(request.TeamId, claim, jobs, recipients, time.GetUtcNow(), cancellationToken, request.WithinTransaction) is { } stored)
        {
            return JsonSerializer.Deserialize<TAnswer>(stored, ApiJson.Options)!;
        }

        logger.LogInformation("Accepted {Count} email(s) for team {TeamId} in {Jobs} job(s)", request.Emails.Count, request.TeamId, jobs.Count);

        // Committed means accepted: from here on nothing may turn into an error answer, or a client would
        // retry an email that is already on its way. Nor is the rest tied to the request: a client hanging
        // up must not cut a call to Resend short.
        var result = answer(await AttemptNowAsync(request, emails, jobs));
        if (claim is not null)
        {
            await repository.StoreAnswerAsync(request.TeamId, claim, ApiJson.Serialize(result), CancellationToken.None);
        }

        return result;
    }

    /// <summary>
    /// The emails as rows (in request order) and their outbox jobs: one job per email with attachments or a
    /// schedule; the rest grouped per sender into Resend batches of up to <see cref="ResendBatchLimit"/>.
    /// </summary>
    private static (IReadOnlyList<NewEmail> Emails, IReadOnlyList<NewJob> Jobs) Plan(IReadOnlyList<Sender> all, IReadOnlyList<OutgoingEmail> emails)
    {
        var prepared = emails.Select(e =>
        {
            var (senderId, from) = ChooseSender(all, e.Email, e.FieldPrefix);
            return (SenderId: senderId, Email: ToNewEmail(e, from), Alone: e.Email.ScheduledAt is not null || e.Email.Attachments.Count > 0);
        }).ToList();
        var jobs = prepared
            .GroupBy(p => (p.SenderId, p.Alone))
            .SelectMany(g => g.Key.Alone ? g.Select(p => new[] { p }) : g.Chunk(ResendBatchLimit))
            .Select(chunk => new NewJob(Guid.NewGuid(), chunk[0].SenderId, chunk.Select(p => p.Email).ToList()))
            .ToList();
        return (prepared.Select(p => p.Email).ToList(), jobs);
    }

    /// <summary>
    /// Sends the unscheduled jobs now (the recipients were collected as contacts with the accept). Returns each email's result in
    /// request order; an email not attempted here (scheduled, or the attempt could not run) is as it was stored.
    /// </summary>
    private async Task<IReadOnlyList<SendResult>> AttemptNowAsync(AcceptRequest request, IReadOnlyList<NewEmail> emails, IReadOnlyList<NewJob> jobs)
    {
        var attempted = new Dictionary<Guid, SendResult>();
        try
        {
            foreach (var job in jobs.Where(j => j.Emails[0].ScheduledAt is null))
            {
                foreach (var result in await dispatcher.DispatchAsync(job.Id, CancellationToken.None) ?? [])
                {
                    attempted[result.Id] = result;
                }
            }
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or HttpRequestException or InvalidOperationException)
        {
            logger.LogWarning(ex, "After accepting {Count} email(s) for team {TeamId}, the inline attempt failed; the dispatcher will send them", request.Emails.Count, request.TeamId);
        }

        return emails.Select(e => attempted.GetValueOrDefault(e.Id) ?? new SendResult { Id = e.Id, Status = e.Status, ScheduledAt = e.ScheduledAt })
            .ToList();
    }

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
        return new NewEmail(Guid.NewGuid(), from, email.To, email.Subject, email.ScheduledAt is null ? EmailStatus.Queued : EmailStatus.Scheduled,
            JsonSerializer.Serialize(payload, ResendJson.Options), email.Tags.Select(t => $"{t.Name}:{t.Value}").ToList(), email.ScheduledAt,
            outgoing.TemplateId, outgoing.TriggerId, outgoing.Cron?.JobId, outgoing.Cron?.Name);
    }
}
