using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Emails;
using Moosermail.Core.Errors;
using Moosermail.Core.Resend;
using Moosermail.Core.Secrets;
using Moosermail.Core.Senders;

namespace Moosermail.Core.Sending;

/// <summary>
/// Sends what the outbox holds. A job's id is its Idempotency-Key at Resend, so a retry after a crash or
/// a lost response cannot send twice. Transient failures back off exponentially with jitter (never sooner
/// than retry-after); permanent ones fail at once with Resend's message; attempts are bounded.
/// </summary>
public sealed class OutboxDispatcher(
    OutboxRepository outbox,
    SenderService senders,
    ResendClient resend,
    ResendPacer pacer,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger)
{
    public const int MaxAttempts = 8;
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromHours(1);

    /// <summary>Sends due jobs until none is left or <paramref name="budget"/> is spent; returns how many jobs ran.</summary>
    public async Task<int> DispatchDueAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var ran = 0;
        while (TimeProvider.System.GetElapsedTime(started) < budget)
        {
            var jobs = await outbox.ClaimDueAsync(time.GetUtcNow(), Lease, limit: 10, jobId: null, cancellationToken);
            if (jobs.Count == 0)
            {
                break;
            }

            foreach (var job in jobs)
            {
                await RunAsync(job, cancellationToken);
                ran++;
            }
        }

        return ran;
    }

    /// <summary>
    /// Sends one job now if it is due and nobody else holds it (the inline attempt after accepting a send).
    /// Returns each email's result after the attempt, or null when the job was not claimed here.
    /// </summary>
    public async Task<IReadOnlyList<SendResult>?> DispatchAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var jobs = await outbox.ClaimDueAsync(time.GetUtcNow(), Lease, limit: 1, jobId, cancellationToken);
        if (jobs.Count == 0)
        {
            return null;
        }

        var job = jobs[0];
        var attempt = await RunAsync(job, cancellationToken);
        return job.EmailIds.Select((id, i) => new SendResult
        {
            Id = id,
            Status = attempt.Status,
            ResendId = attempt.ResendIds?[i],
            Error = attempt.Error,
        }).ToList();
    }

    /// <summary>One attempt at a job, top to bottom: payloads, pacing, the Resend call with the decrypted key, the record of what happened.</summary>
    private async Task<Attempt> RunAsync(ClaimedJob job, CancellationToken cancellationToken)
    {
        var payloads = await outbox.PayloadsAsync(job, cancellationToken);
        var requests = payloads.Select(p => JsonSerializer.Deserialize<SendEmailRequest>(p.Payload, ResendJson.Options)!).ToList();
        await pacer.WaitForSlotAsync(job.SenderId, cancellationToken);
        (IReadOnlyList<string>? ResendIds, ResendError? Error, ResendRateLimit? RateLimit) call;
        try
        {
            call = await senders.UseKeyAsync(job.TeamId, job.SenderId, (_, apiKey) => CallResendAsync(job, apiKey, requests, cancellationToken), cancellationToken);
        }
        catch (SenderUnavailableException) when (!cancellationToken.IsCancellationRequested)
        {
            return await FailAsync(job, "The sender was deleted before the email was sent.", cancellationToken);
        }
        catch (SecretDecryptionException)
        {
            call = (null, new ResendError(null, "key_unreadable", "The sender's Resend key cannot be decrypted with the configured ENCRYPTION_KEY(s).", true, null), null);
        }

        if (call.RateLimit is { } rateLimit)
        {
            await pacer.LearnAsync(job.SenderId, rateLimit, call.Error?.RetryAfter, cancellationToken);
        }

        var error = call.Error;
        if (error is null && call.ResendIds is { } resendIds && resendIds.Count == payloads.Count)
        {
            await outbox.CompleteAsync(job, payloads.Select((p, i) => (p.Id, resendIds[i])).ToList(), time.GetUtcNow(), cancellationToken);
            return new Attempt(EmailStatus.Sent, resendIds, null);
        }

        error ??= new ResendError(null, "invalid_response", "Resend's answer did not list every email.", true, null);
        if (!error.IsTransient || job.Attempts >= MaxAttempts)
        {
            var reason = error.IsTransient ? $"Gave up after {job.Attempts} attempts: {error.Message}" : error.Message;
            logger.LogWarning("Outbox job {JobId} failed: {Reason}", job.Id, reason);
            return await FailAsync(job, reason, cancellationToken);
        }

        var delay = Backoff(job.Attempts, error);
        logger.LogInformation("Outbox job {JobId} attempt {Attempt} failed ({Error}); retrying in {Delay}", job.Id, job.Attempts, error.Name, delay);
        var now = time.GetUtcNow();
        await outbox.RetryLaterAsync(job, now + delay, error.Message, now, cancellationToken);
        return new Attempt(EmailStatus.Queued, null, error.Message);
    }

    private async Task<Attempt> FailAsync(ClaimedJob job, string reason, CancellationToken cancellationToken)
    {
        await outbox.FailAsync(job, reason, time.GetUtcNow(), cancellationToken);
        return new Attempt(EmailStatus.Failed, null, reason);
    }

    /// <summary>The one Resend call of an attempt: a single email, or a batch for a job of several.</summary>
    private async Task<(IReadOnlyList<string>? ResendIds, ResendError? Error, ResendRateLimit? RateLimit)> CallResendAsync(
        ClaimedJob job, string apiKey, List<SendEmailRequest> requests, CancellationToken cancellationToken)
    {
        if (requests.Count == 1)
        {
            var result = await resend.SendEmailAsync(apiKey, requests[0], job.Id.ToString(), cancellationToken);
            return (result.Value is { } v ? [v.Id] : null, result.Error, result.RateLimit);
        }

        var batch = await resend.SendBatchAsync(apiKey, requests, job.Id.ToString(), cancellationToken);
        return (batch.Value?.Data.Select(d => d.Id).ToList(), batch.Error, batch.RateLimit);
    }

    /// <summary>
    /// A rate limit is retried right after Resend's retry-after; anything else backs off 30 s, 1 min, 2 min …
    /// capped at 1 h, with ±20 % jitter so instances do not retry in step, and never sooner than retry-after.
    /// </summary>
    public static TimeSpan Backoff(int attempt, ResendError error)
    {
        var jitter = 0.8 + (RandomNumberGenerator.GetInt32(0, 401) / 1000.0);
        if (error.Name == "rate_limit_exceeded" && error.RetryAfter is { } wait)
        {
            return wait + TimeSpan.FromMilliseconds(250 * jitter);
        }

        var exponential = TimeSpan.FromTicks(Math.Min(s_maxBackoff.Ticks, s_firstBackoff.Ticks << Math.Min(attempt - 1, 20)));
        var delay = exponential * jitter;
        return error.RetryAfter is { } after && after > delay ? after : delay;
    }

    /// <summary>How one attempt left the job's emails: their status, Resend ids when sent, the error otherwise.</summary>
    private sealed record Attempt(string Status, IReadOnlyList<string>? ResendIds, string? Error);
}
