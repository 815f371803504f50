using System.Text.Json;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Audit;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Senders;
using Moosermail.Core.Templates;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Cron;

/// <summary>Cron job management: validation, the next runs, audit. The timer's side is <see cref="CronRunner"/>.</summary>
public sealed class CronService(CronRepository jobs, TemplateRepository templates, SenderRepository senders, TimeProvider time, ILogger<CronService> logger)
{
    public const int DefaultRunsLimit = 20;
    public const int MaxRunsLimit = 100;

    public async Task<CronJob> CreateAsync(Caller caller, CreateCronJobRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var name = CronRules.Name(request.Name, required: true, errors);
        var (to, tag) = Recipients(request.To, request.ToAddresses, request.ToTag, required: true, now, errors);
        var variables = CronRules.Variables(request.Variables, errors);
        var from = CronRules.From(request.From, errors);
        var timezone = request.Timezone ?? "UTC";
        var schedule = CronSchedule.Parse(request.CronExpression, timezone, errors);
        await CheckTemplateAsync(caller.TeamId, request.TemplateId, required: true, errors, cancellationToken);
        await CheckSenderAsync(caller.TeamId, from, errors, cancellationToken);
        errors.ThrowIfAny();

        var id = Guid.NewGuid();
        var enabled = request.Enabled ?? true;
        var fields = new CronJobFields(name, request.TemplateId, to, tag, variables ?? "{}", from, ClearFrom: false, request.CronExpression!.Trim(), timezone, enabled);
        var audit = AuditEntry.By(caller, AuditActions.CronJobCreated, "cron_job", id.ToString(), new { name, cron_expression = fields.CronExpression, timezone = fields.Timezone });
        if (!await jobs.InsertAsync(caller.TeamId, id, fields, enabled ? schedule!.NextAfter(now) : null, CronRules.MaxJobsPerTeam, audit, now, cancellationToken))
        {
            throw new ConflictException($"This team already has {CronRules.MaxJobsPerTeam} cron jobs, the most it may have. Delete one first.");
        }

        logger.LogInformation("Cron job {CronJobId} created in team {TeamId}", id, caller.TeamId);
        return await GetAsync(caller, id, cancellationToken);
    }

    public async Task<IReadOnlyList<CronJob>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return (await jobs.ListForTeamAsync(caller.TeamId, cancellationToken)).Select(j => WithNextRuns(j, now)).ToList();
    }

    public async Task<CronJob> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        WithNextRuns(await jobs.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound(), time.GetUtcNow());

    public async Task<CronJob> UpdateAsync(Caller caller, Guid id, UpdateCronJobRequest request, CancellationToken cancellationToken)
    {
        var current = await jobs.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();
        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var name = CronRules.Name(request.Name, required: false, errors);
        var (to, tag) = Recipients(request.To, request.ToAddresses, request.ToTag, required: false, now, errors);
        var variables = CronRules.Variables(request.Variables, errors);
        var from = CronRules.From(request.From, errors);
        var scheduleChanged = request.CronExpression is not null || request.Timezone is not null || request.Enabled is not null;
        var schedule = CronSchedule.Parse(request.CronExpression ?? current.CronExpression, request.Timezone ?? current.Timezone, errors);
        await CheckTemplateAsync(caller.TeamId, request.TemplateId, required: false, errors, cancellationToken);
        await CheckSenderAsync(caller.TeamId, from, errors, cancellationToken);
        errors.ThrowIfAny();

        var enabled = request.Enabled ?? current.Enabled;
        var fields = new CronJobFields(name, request.TemplateId, to, tag, variables, from, ClearFrom: request.From is not null && from is null,
            request.CronExpression?.Trim(), request.Timezone, request.Enabled);
        var changed = new[] { ("name", request.Name is not null), ("template_id", request.TemplateId is not null), ("to", to is not null), ("to_tag", tag is not null),
            ("variables", variables is not null), ("from", request.From is not null), ("cron_expression", request.CronExpression is not null),
            ("timezone", request.Timezone is not null), ("enabled", request.Enabled is not null) }.Where(c => c.Item2).Select(c => c.Item1).ToArray();
        var audit = AuditEntry.By(caller, AuditActions.CronJobUpdated, "cron_job", id.ToString(), new { fields = changed, enabled });
        // A schedule change starts afresh from now: slots before it are neither run nor recorded as missed.
        if (!await jobs.UpdateAsync(caller.TeamId, id, fields, scheduleChanged, enabled ? schedule!.NextAfter(now) : null, audit, now, cancellationToken))
        {
            throw NotFound();
        }

        return await GetAsync(caller, id, cancellationToken);
    }

    public async Task DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var audit = AuditEntry.By(caller, AuditActions.CronJobDeleted, "cron_job", id.ToString());
        if (!await jobs.DeleteAsync(caller.TeamId, id, audit, time.GetUtcNow(), cancellationToken))
        {
            throw NotFound();
        }

        logger.LogInformation("Cron job {CronJobId} deleted in team {TeamId}", id, caller.TeamId);
    }

    /// <summary>The job's latest runs (1 to <see cref="MaxRunsLimit"/>, default <see cref="DefaultRunsLimit"/>), newest first.</summary>
    public async Task<IReadOnlyList<CronRun>> ListRunsAsync(Caller caller, Guid id, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxRunsLimit)
        {
            throw new ValidationFailedException("limit", $"must be between 1 and {MaxRunsLimit}.");
        }

        _ = await jobs.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();
        return await jobs.ListRunsAsync(caller.TeamId, id, limit ?? DefaultRunsLimit, cancellationToken);
    }

    private static CronJob WithNextRuns(CronJob job, DateTimeOffset now) =>
        job.Enabled ? job with { NextRuns = CronSchedule.FromStored(job.CronExpression, job.Timezone).NextRuns(now) } : job;

    private static (string[]? To, string? Tag) Recipients(JsonElement? to, IReadOnlyList<string>? toAddresses, string? toTag, bool required, DateTimeOffset now, ValidationErrors errors)
    {
        var given = to is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) };
        if (given && toAddresses is not null)
        {
            errors.Add("to", "comes instead of to_addresses (its older name): give one of them.");
            return (null, null);
        }

        if (!given && toAddresses is not null)
        {
            (to, given) = (JsonSerializer.SerializeToElement(toAddresses), true);
        }

        if (given && toTag is not null)
        {
            errors.Add("to", "comes instead of to_tag: give one or the other.");
            return (null, null);
        }

        if (!given && toTag is null && required)
        {
            errors.Add("to", "is required: the addresses to send to, or to_tag to reach the team's contacts with a tag.");
            return (null, null);
        }

        return (CronRules.To(to, now, errors), CronRules.Tag(toTag, errors));
    }

    /// <summary>Another team's template and a missing one read the same, so ids of other teams cannot be probed.</summary>
    private async Task CheckTemplateAsync(Guid teamId, Guid? templateId, bool required, ValidationErrors errors, CancellationToken cancellationToken)
    {
        if (templateId is null ? required : await templates.GetAsync(teamId, templateId.Value, cancellationToken) is null)
        {
            errors.Add("template_id", "must be the id of one of your team's templates.");
        }
    }

    /// <summary>The /api/send rule: a from must be one of the team's senders.</summary>
    private async Task CheckSenderAsync(Guid teamId, string? from, ValidationErrors errors, CancellationToken cancellationToken)
    {
        if (from is null)
        {
            return;
        }

        var all = await senders.ListForTeamAsync(teamId, cancellationToken);
        if (!all.Any(s => string.Equals(FromAddress.AddressOf(s.FromAddress), FromAddress.AddressOf(from), StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add("from", all.Count == 0
                ? "cannot be checked: this team has no Resend key yet. Add one with POST /api/keys {api_key, from_address}."
                : $"is not one of this team's senders: {string.Join(", ", all.Select(s => FromAddress.AddressOf(s.FromAddress)))}.");
        }
    }

    private static NotFoundException NotFound() => new("No cron job with this id in your team.");
}
