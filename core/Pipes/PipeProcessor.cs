using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Inbox;

namespace Moosermail.Core.Pipes;

/// <summary>
/// Processes received mail through the teams' pipes: creates each (email, pipe) marker, claims due runs in Postgres
/// (so two instances never run one twice), matches, strips closers, runs the action and records the outcome; a failure
/// is retried with backoff up to <see cref="MaxAttempts"/> times, then left failed in the pipe's runs.
/// </summary>
public sealed class PipeProcessor(
    PipeWorkRepository work,
    PipeRepository pipes,
    InboxRepository inbox,
    PipeActionRunner actions,
    TimeProvider time,
    ILogger<PipeProcessor> logger)
{
    public const int MaxAttempts = 8;
    public const int BatchSize = 50;

    /// <summary>Mail older than this when first seen is not piped (a pipe is about new mail, and the scan stays bounded).</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(3);

    /// <summary>Long enough for a webhook's timeouts or one send; a processor that dies releases its runs after it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan[] s_backoff =
    [
        TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4),
    ];

    /// <summary>When attempt number <paramref name="attempts"/> failed, the next is this much later.</summary>
    public static TimeSpan Backoff(int attempts) => s_backoff[Math.Clamp(attempts - 1, 0, s_backoff.Length - 1)];

    /// <summary>Runs due work until none is left or <paramref name="budget"/> is spent; returns how many runs were attempted.</summary>
    public Task<int> ProcessDueAsync(TimeSpan budget, CancellationToken cancellationToken) => RunPassAsync(null, budget, cancellationToken);

    /// <summary>
    /// The same pass for one team's mail only: run right after its content was fetched (<see cref="PipeNudge"/>), so a
    /// matching pipe acts within seconds rather than at the next timer tick. Claims as the timer does, so the two never
    /// run one (email, pipe) twice.
    /// </summary>
    public Task<int> ProcessTeamAsync(Guid teamId, TimeSpan budget, CancellationToken cancellationToken) => RunPassAsync(teamId, budget, cancellationToken);

    private async Task<int> RunPassAsync(Guid? teamId, TimeSpan budget, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var attempted = 0;
        await work.EnqueueAsync(time.GetUtcNow(), time.GetUtcNow() - Horizon, 1000, cancellationToken, teamId);
        while (Stopwatch.GetElapsedTime(started) < budget)
        {
            var claimed = await work.ClaimDueAsync(time.GetUtcNow(), Lease, BatchSize, cancellationToken, teamId);
            if (claimed.Count == 0)
            {
                if (await work.EnqueueAsync(time.GetUtcNow(), time.GetUtcNow() - Horizon, 1000, cancellationToken, teamId) == 0)
                {
                    break;
                }

                continue;
            }

            foreach (var run in claimed)
            {
                await ProcessAsync(run, cancellationToken);
                attempted++;
            }
        }

        return attempted;
    }

    private async Task ProcessAsync(ClaimedPipeRun run, CancellationToken cancellationToken)
    {
        PipeRunOutcome outcome;
        try
        {
            outcome = await DecideAsync(run, cancellationToken);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or HttpRequestException or TimeoutException or Secrets.SecretDecryptionException or FormatException)
        {
            logger.LogWarning(ex, "Pipe run {RunId} of pipe {PipeId} in team {TeamId} failed on attempt {Attempt}", run.Id, run.PipeId, run.TeamId, run.Attempts);
            outcome = PipeRunOutcome.Fail($"the attempt failed ({ex.GetType().Name})", retry: ex is not (Secrets.SecretDecryptionException or FormatException));
        }

        var now = time.GetUtcNow();
        DateTimeOffset? retryAt = outcome.Retry && run.Attempts < MaxAttempts ? now + Backoff(run.Attempts) : null;
        await work.CompleteAsync(run, outcome, now, retryAt, CancellationToken.None);
        if (outcome.Status != PipeRunStatus.Unmatched)
        {
            logger.LogInformation("Pipe run {RunId} of pipe {PipeId} in team {TeamId}: {Status} (attempt {Attempt})",
                run.Id, run.PipeId, run.TeamId, retryAt is null ? outcome.Status : PipeRunStatus.Pending, run.Attempts);
        }
    }

    private async Task<PipeRunOutcome> DecideAsync(ClaimedPipeRun run, CancellationToken cancellationToken)
    {
        var pipe = await pipes.GetAsync(run.TeamId, run.PipeId, cancellationToken);
        var email = await inbox.GetAsync(run.TeamId, run.ReceivedEmailId, cancellationToken);
        if (pipe is null || email is null)
        {
            return PipeRunOutcome.Skip("the pipe or the email no longer exists");
        }

        if (!pipe.Enabled)
        {
            return PipeRunOutcome.Skip("the pipe was disabled before it ran");
        }

        var text = email.Text ?? string.Empty;
        if (!PipeMatcher.Matches(pipe, new PipeMessage(email.From, email.Subject, text)))
        {
            return PipeRunOutcome.Unmatched();
        }

        return await actions.RunAsync(run, pipe, email, pipe.StripClosers ? CloserStripper.Strip(text) : text, cancellationToken);
    }
}
