using Microsoft.Extensions.Logging;
using Moosermail.Core.Resend;
using Moosermail.Core.Sending;

namespace Moosermail.Core.Inbox;

/// <summary>
/// Fetches the content of received emails (GET /emails/receiving/{id}) with the team's key, as an outbox-style job:
/// claimed with SKIP LOCKED under a lease, transient failures (network, Resend errors, rate limits, "not found" while Resend catches up, a
/// team without a key) back off like sends and are retried up to <see cref="MaxAttempts"/>; a permanent refusal marks
/// the content failed with Resend's message. The metadata row is never lost either way. The key is the one that can read
/// the email (<see cref="InboxResend.CallForEmailAsync{T}"/>). After each batch the observers (pipes) hear which teams
/// have new content.
/// </summary>
public sealed class InboxContentFetcher(
    InboxFetchRepository fetches,
    InboxResend resend,
    IEnumerable<IReceivedMailObserver> observers,
    TimeProvider time,
    ILogger<InboxContentFetcher> logger)
{
    public const int MaxAttempts = 10;
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>Fetches due content until none is left or <paramref name="budget"/> is spent; returns how many attempts ran.</summary>
    public async Task<int> FetchDueAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var ran = 0;
        while (TimeProvider.System.GetElapsedTime(started) < budget)
        {
            var jobs = await fetches.ClaimDueAsync(time.GetUtcNow(), Lease, limit: 10, cancellationToken);
            if (jobs.Count == 0)
            {
                break;
            }

            var fetched = new HashSet<Guid>();
            foreach (var job in jobs)
            {
                if (await RunAsync(job, cancellationToken))
                {
                    fetched.Add(job.TeamId);
                }

                ran++;
            }

            await NotifyAsync(fetched, cancellationToken);
        }

        return ran;
    }

    private async Task NotifyAsync(IEnumerable<Guid> teams, CancellationToken cancellationToken)
    {
        foreach (var teamId in teams)
        {
            foreach (var observer in observers)
            {
                try
                {
                    await observer.ContentFetchedAsync(teamId, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "After fetching received mail of team {TeamId}, {Observer} failed; its timer catches up", teamId, observer.GetType().Name);
                }
            }
        }
    }

    /// <summary>True when the content was fetched and stored.</summary>
    private async Task<bool> RunAsync(ClaimedFetch job, CancellationToken cancellationToken)
    {
        var (result, senderId) = await resend.CallForEmailAsync(job.TeamId, new EmailKeyHint(job.SenderId, [.. job.To, .. job.Cc]),
            (client, apiKey) => client.GetReceivedEmailAsync(apiKey, job.ResendId, cancellationToken), cancellationToken);
        if (result.Value is { } email)
        {
            try
            {
                await fetches.CompleteAsync(job, ReceivedContent.Content(email), senderId, time.GetUtcNow(), cancellationToken);
                return true;
            }
            catch (Npgsql.PostgresException ex)
            {
                // Content Postgres refuses (an encoding it cannot store) must not leave the job leased forever.
                logger.LogWarning(ex, "Received email {EmailId} content could not be stored", job.Id);
                result = ResendResult<ResendReceivedEmail>.Failure(
                    new ResendError(null, "unstorable", $"The content could not be stored ({ex.SqlState}).", false, null), ResendRateLimit.None);
            }
        }

        var error = result.Error ?? new ResendError(null, "invalid_response", "Resend's answer had no email.", true, null);
        var transient = error.IsTransient || error.StatusCode == 404;
        if (!transient || job.Attempts >= MaxAttempts)
        {
            var reason = transient ? $"Gave up after {job.Attempts} attempts: {error.Message}" : error.Message;
            logger.LogWarning("Received email {EmailId} content fetch failed: {Reason}", job.Id, reason);
            await fetches.FailAsync(job, reason, time.GetUtcNow(), cancellationToken);
            return false;
        }

        var delay = OutboxDispatcher.Backoff(job.Attempts, error);
        logger.LogInformation("Received email {EmailId} fetch attempt {Attempt} failed ({Error}); retrying in {Delay}", job.Id, job.Attempts, error.Name, delay);
        await fetches.RetryLaterAsync(job, time.GetUtcNow() + delay, error.Message, cancellationToken);
        return false;
    }
}
