using System.Text.Json;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Contacts;
using Moosermail.Core.Errors;
using Moosermail.Core.Sending;
using Moosermail.Core.Suppressions;
using Moosermail.Core.Templates;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Cron;

/// <summary>
/// The cron timer's work, safe on any number of instances. Each due job's latest slot is claimed in Postgres
/// (<see cref="CronScheduleRepository.ClaimAsync"/>): one instance wins it, earlier missed slots are recorded as
/// skipped, and the winner sends the job's template through <see cref="SendAcceptance"/> with an Idempotency-Key
/// made of (job, slot). A crash between the claim and the send leaves the claim open; the next tick retakes it
/// after <see cref="RetakeAfter"/>, and the key makes sure its emails are accepted once whatever happened before.
/// </summary>
public sealed class CronRunner(
    CronScheduleRepository schedule,
    TemplateService templates,
    EmailComposer content,
    ContactService contacts,
    SuppressionRepository suppressions,
    SendAcceptance acceptance,
    TimeProvider time,
    ILogger<CronRunner> logger)
{
    /// <summary>Longer than any run takes (a full tag fan-out is ten Resend batches).</summary>
    public static readonly TimeSpan RetakeAfter = TimeSpan.FromMinutes(3);

    /// <summary>Runs are kept this long, then pruned.</summary>
    public static readonly TimeSpan RunRetention = TimeSpan.FromDays(30);

    /// <summary>After downtime, at most this many missed slots per job are listed one by one (all are counted).</summary>
    public const int MaxSkippedRecorded = 100;

    private const int BatchSize = 200;

    /// <summary>Runs every due slot once; returns how many slots this instance ran.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ran = 0;
        foreach (var (jobId, teamId, slot) in await schedule.RetakeInterruptedAsync(now, now - RetakeAfter, BatchSize, cancellationToken))
        {
            logger.LogWarning("Cron job {CronJobId} slot {Slot} was left unfinished; running it again under the same idempotency key", jobId, slot);
            ran += await RunIsolatedAsync(jobId, teamId, slot, retaken: true, cancellationToken) ? 1 : 0;
        }

        foreach (var job in await schedule.ListDueAsync(now, BatchSize, cancellationToken))
        {
            if (await ClaimAsync(job, now, cancellationToken) is { } slot)
            {
                ran += await RunIsolatedAsync(job.Id, job.TeamId, slot, retaken: false, cancellationToken) ? 1 : 0;
            }
        }

        await schedule.PruneAsync(now - RunRetention, cancellationToken);
        return ran;
    }

    /// <summary>Claims the job's latest due slot; null when another instance has it (or the stored schedule cannot be read).</summary>
    private async Task<DateTimeOffset?> ClaimAsync(DueCronJob job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var cron = CronSchedule.FromStored(job.CronExpression, job.Timezone);
            if (cron.Due(job.NextRunAt, now, MaxSkippedRecorded) is not { } due
                || !await schedule.ClaimAsync(job, due.Latest, due.Skipped, due.Missed, cron.NextAfter(due.Latest), now, cancellationToken))
            {
                return null;
            }

            if (due.Missed > 0)
            {
                logger.LogInformation("Cron job {CronJobId} missed {Missed} slot(s) before {Slot}; running the latest once", job.Id, due.Missed, due.Latest);
            }

            return due.Latest;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Cron job {CronJobId} could not be claimed", job.Id);
            return null;
        }
    }

    /// <summary>The idempotency scope and key of a slot: the same on every instance and every retry.</summary>
    public static (string Scope, string Key) SlotKey(Guid jobId, DateTimeOffset slot) =>
        ($"cron:{jobId}", slot.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>One job's failure is its run's (or, if unexpected, leaves the claim for a retake); it never stops the others.</summary>
    private async Task<bool> RunIsolatedAsync(Guid jobId, Guid teamId, DateTimeOffset slot, bool retaken, CancellationToken cancellationToken)
    {
        try
        {
            await RunSlotAsync(jobId, teamId, slot, retaken, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Cron job {CronJobId} slot {Slot} stopped unexpectedly; the claim stays open and is retaken after {RetakeAfter}", jobId, slot, RetakeAfter);
            return false;
        }
    }

    private async Task RunSlotAsync(Guid jobId, Guid teamId, DateTimeOffset slot, bool retaken, CancellationToken cancellationToken)
    {
        var job = await schedule.GetJobToRunAsync(teamId, jobId, cancellationToken);
        if (job is null)
        {
            return;
        }

        var (scope, key) = SlotKey(jobId, slot);
        if (retaken && await schedule.FindAcceptedAsync(teamId, scope, key, cancellationToken) is { } already)
        {
            await schedule.FinishAsync(teamId, jobId, slot, CronRunStatus.Sent, already, 0, null, time.GetUtcNow(), cancellationToken);
            return;
        }

        try
        {
            var accepted = await SendAsync(job, scope, key, cancellationToken);
            await schedule.FinishAsync(teamId, jobId, slot, CronRunStatus.Sent, accepted.Ids, accepted.SkippedRecipients, null, time.GetUtcNow(), cancellationToken);
            logger.LogInformation("Cron job {CronJobId} slot {Slot} accepted {Count} email(s)", jobId, slot, accepted.Ids.Count);
        }
        catch (ConflictException ex) when (ex.Extensions?.GetValueOrDefault("email_ids") is Guid[] ids)
        {
            // Accepted by an earlier attempt that stopped before recording it.
            await schedule.FinishAsync(teamId, jobId, slot, CronRunStatus.Sent, ids, 0, null, time.GetUtcNow(), cancellationToken);
        }
        catch (ConflictException)
        {
            // Another instance is sending this slot right now; it records the run (or the next retake does).
        }
        catch (OutcomeException ex)
        {
            await schedule.FinishAsync(teamId, jobId, slot, CronRunStatus.Failed, [], 0, Describe(ex), time.GetUtcNow(), cancellationToken);
            logger.LogInformation("Cron job {CronJobId} slot {Slot} failed: {Reason}", jobId, slot, ex.Message);
        }
    }

    private async Task<CronAccepted> SendAsync(CronJobToRun job, string scope, string key, CancellationToken cancellationToken)
    {
        var template = await templates.GetForTeamAsync(job.TeamId, job.TemplateId, cancellationToken)
            ?? throw new UnprocessableException("The job's template no longer exists. Point the job at another template with PUT /api/cron/{id} {\"template_id\": ...}.");
        var variables = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(job.VariablesJson)!
            .ToDictionary(v => v.Key, v => (object?)v.Value, StringComparer.Ordinal);
        var recipients = await RecipientsAsync(job, variables, cancellationToken);
        var skipped = await SkippedAsync(job.TeamId, recipients.Select(r => r.Email).ToList(), cancellationToken);

        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var outgoing = recipients.Where(r => !skipped.Contains(r.Email))
            .Select(r => content.Render(template, r.Variables, new SendInput { To = JsonSerializer.SerializeToElement(r.Email), From = job.FromAddress }, now, errors, ""))
            .Where(email => email is not null)
            .Select(email => new OutgoingEmail(email!, job.TemplateId) { Cron = new CronSource(job.Id, job.Name) })
            .ToList();
        errors.ThrowIfAny();
        if (outgoing.Count == 0)
        {
            return new CronAccepted([], skipped.Count);
        }

        return await acceptance.AcceptAsync(
            new AcceptRequest(job.TeamId, scope, key, $"{scope}:{key}", outgoing),
            results => new CronAccepted(results.Select(r => r.Id).ToList(), skipped.Count),
            cancellationToken);
    }

    /// <summary>The job's addresses, or its tag's subscribed contacts now (each with its own email and name as variables).</summary>
    private async Task<IReadOnlyList<(string Email, IReadOnlyDictionary<string, object?> Variables)>> RecipientsAsync(
        CronJobToRun job, Dictionary<string, object?> variables, CancellationToken cancellationToken)
    {
        if (job.ToTag is null)
        {
            return (job.ToAddresses ?? []).Select(a => (a, (IReadOnlyDictionary<string, object?>)variables)).ToList();
        }

        var tagged = await contacts.ListSubscribedByTagAsync(job.TeamId, job.ToTag, cancellationToken);
        if (tagged.Count > CronRules.MaxTagFanOut)
        {
            throw new UnprocessableException($"The tag '{job.ToTag}' matches {tagged.Count} contacts; a cron job sends to at most {CronRules.MaxTagFanOut}.");
        }

        return tagged.Select(c => (c.Email, (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(variables, StringComparer.Ordinal)
        {
            ["email"] = variables.GetValueOrDefault("email") ?? c.Email,
            ["name"] = variables.GetValueOrDefault("name") ?? c.Name,
        })).ToList();
    }

    /// <summary>Recipients who get no scheduled mail: unsubscribed contacts and suppressed addresses.</summary>
    private async Task<HashSet<string>> SkippedAsync(Guid teamId, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        var bare = recipients.ToDictionary(r => r, r => FromAddress.AddressOf(r).ToLowerInvariant(), StringComparer.OrdinalIgnoreCase);
        var suppressed = await suppressions.FindSuppressedAsync(teamId, bare.Values.Distinct().ToList(), cancellationToken);
        var unsubscribed = (await content.UnsubscribedAsync(teamId, recipients, cancellationToken)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return bare.Where(r => suppressed.ContainsKey(r.Value) || unsubscribed.Contains(r.Value)).Select(r => r.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    private static string Describe(OutcomeException ex) =>
        ex.Errors is { Count: > 0 } errors
            ? $"{ex.Message} ({string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))})"
            : ex.Message;
}
