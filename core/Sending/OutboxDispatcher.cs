using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
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

    /// <summary>Sends one job now if it is due and nobody else holds it (the inline attempt after accepting a send).</summary>
    public async Task DispatchAsync(Guid jobId, CancellationToken cancellationToken)
    {
        foreach (var job in await outbox.ClaimDueAsync(time.GetUtcNow(), Lease, limit: 1, jobId, cancellationToken))
        {
            await RunAsync(job, cancellationToken);
        }
    }

    private async Task RunAsync(ClaimedJob job, CancellationToken cancellationToken)
    {
        ResendError? error;
        try
        {
            error = await senders.UseKeyAsync(job.TeamId, job.SenderId, (_, apiKey) => SendAsync(job, apiKey, cancellationToken), cancellationToken);
        }
        catch (SenderUnavailableException) when (!cancellationToken.IsCancellationRequested)
        {
            await outbox.FailAsync(job, "The sender was deleted before the email was sent.", time.GetUtcNow(), cancellationToken);
            return;
        }
        catch (SecretDecryptionException)
        {
            error = new ResendError(null, "key_unreadable", "The sender's Resend key cannot be decrypted with the configured ENCRYPTION_KEY(s).", true, null);
        }

        if (error is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (!error.IsTransient || job.Attempts >= MaxAttempts)
        {
            var reason = error.IsTransient ? $"Gave up after {job.Attempts} attempts: {error.Message}" : error.Message;
            logger.LogWarning("Outbox job {JobId} failed: {Reason}", job.Id, reason);
            await outbox.FailAsync(job, reason, now, cancellationToken);
            return;
        }

        var delay = Backoff(job.Attempts, error);
        logger.LogInformation("Outbox job {JobId} attempt {Attempt} failed ({Error}); retrying in {Delay}", job.Id, job.Attempts, error.Name, delay);
        await outbox.RetryLaterAsync(job, now + delay, error.Message, now, cancellationToken);
    }

    /// <summary>Calls Resend for the job; records success itself and returns the error otherwise.</summary>
    private async Task<ResendError?> SendAsync(ClaimedJob job, string apiKey, CancellationToken cancellationToken)
    {
        var payloads = await outbox.PayloadsAsync(job, cancellationToken);
        var requests = payloads.Select(p => JsonSerializer.Deserialize<SendEmailRequest>(p.Payload, ResendJson.Options)!).ToList();
        await pacer.WaitForSlotAsync(job.SenderId, cancellationToken);
        IReadOnlyList<string>? resendIds;
        ResendError? error;
        ResendRateLimit rateLimit;
        if (requests.Count == 1)
        {
            var result = await resend.SendEmailAsync(apiKey, requests[0], job.Id.ToString(), cancellationToken);
            (resendIds, error, rateLimit) = (result.Value is { } v ? [v.Id] : null, result.Error, result.RateLimit);
        }
        else
        {
            var result = await resend.SendBatchAsync(apiKey, requests, job.Id.ToString(), cancellationToken);
            (resendIds, error, rateLimit) = (result.Value?.Data.Select(d => d.Id).ToList(), result.Error, result.RateLimit);
        }

        await pacer.LearnAsync(job.SenderId, rateLimit, error?.RetryAfter, cancellationToken);
        if (error is not null || resendIds is null || resendIds.Count != payloads.Count)
        {
            return error ?? new ResendError(null, "invalid_response", "Resend's answer did not list every email.", true, null);
        }

        await outbox.CompleteAsync(job, payloads.Select((p, i) => (p.Id, resendIds[i])).ToList(), time.GetUtcNow(), cancellationToken);
        return null;
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
}
