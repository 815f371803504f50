using Microsoft.Extensions.Logging;
using Moosermail.Core.Audit;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Templates;
using Npgsql;

namespace Moosermail.Core.Triggers;

/// <summary>Trigger management. The key is generated here, returned once, and stored only as its SHA-256.</summary>
public sealed class TriggerService(TriggerRepository triggers, TemplateRepository templates, TimeProvider time, ILogger<TriggerService> logger)
{
    public async Task<TriggerWithKey> CreateAsync(Caller caller, CreateTriggerRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = TriggerRules.Name(request.Name, required: true, errors);
        var defaultTo = TriggerRules.DefaultTo(request.DefaultTo, errors);
        var rateLimit = TriggerRules.RateLimit(request.RateLimitPerMinute, required: true, errors);
        var domains = TriggerRules.AllowedRecipientDomains(request.AllowedRecipientDomains, errors);
        await CheckTemplateAsync(caller.TeamId, request.TemplateId, required: true, errors, cancellationToken);
        errors.ThrowIfAny();

        var key = TriggerKey.Generate();
        var now = time.GetUtcNow();
        var trigger = new Trigger
        {
            Id = Guid.NewGuid(),
            Name = name!,
            TemplateId = request.TemplateId!.Value,
            DefaultTo = defaultTo,
            Enabled = request.Enabled ?? true,
            RateLimitPerMinute = rateLimit!.Value,
            AllowedRecipientDomains = domains ?? [],
            CreatedAt = now,
            UpdatedAt = now,
        };
        var created = await WhileTemplateExistsAsync(() => triggers.InsertAsync(caller.TeamId, trigger, TriggerKey.Hash(key), cancellationToken));
        logger.LogInformation("Trigger {TriggerId} created in team {TeamId}", created.Id, caller.TeamId);
        return WithKey(created, key);
    }

    public Task<IReadOnlyList<Trigger>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        triggers.ListForTeamAsync(caller.TeamId, cancellationToken);

    public async Task<Trigger> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await triggers.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();

    public async Task<Trigger> UpdateAsync(Caller caller, Guid id, UpdateTriggerRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var changes = new TriggerChanges(
            TriggerRules.Name(request.Name, required: false, errors), request.TemplateId,
            TriggerRules.DefaultTo(request.DefaultTo, errors), request.DefaultTo is not null && string.IsNullOrWhiteSpace(request.DefaultTo),
            request.Enabled, TriggerRules.RateLimit(request.RateLimitPerMinute, required: false, errors),
            TriggerRules.AllowedRecipientDomains(request.AllowedRecipientDomains, errors));
        await CheckTemplateAsync(caller.TeamId, request.TemplateId, required: false, errors, cancellationToken);
        errors.ThrowIfAny();

        var updated = await WhileTemplateExistsAsync(() => triggers.UpdateAsync(caller.TeamId, id, changes, time.GetUtcNow(), cancellationToken));
        return updated ?? throw NotFound();
    }

    /// <summary>A new key for the trigger; the old one stops working at once. The new key is returned once.</summary>
    public async Task<TriggerWithKey> RotateKeyAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var key = TriggerKey.Generate();
        if (!await triggers.ReplaceKeyAsync(caller.TeamId, id, TriggerKey.Hash(key), time.GetUtcNow(), AuditEntry.By(caller, AuditActions.TriggerKeyRotated, "trigger", id.ToString()), cancellationToken))
        {
            throw NotFound();
        }

        logger.LogInformation("Trigger {TriggerId} key rotated in team {TeamId}", id, caller.TeamId);
        return WithKey(await GetAsync(caller, id, cancellationToken), key);
    }

    public async Task DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        if (!await triggers.DeleteAsync(caller.TeamId, id, cancellationToken))
        {
            throw NotFound();
        }

        logger.LogInformation("Trigger {TriggerId} deleted in team {TeamId}", id, caller.TeamId);
    }

    private async Task CheckTemplateAsync(Guid teamId, Guid? templateId, bool required, ValidationErrors errors, CancellationToken cancellationToken)
    {
        if (templateId is null ? required : await templates.GetAsync(teamId, templateId.Value, cancellationToken) is null)
        {
            errors.Add("template_id", "must be the id of one of your team's templates.");
        }
    }

    /// <summary>The foreign key catches a template deleted (or of another team) between the check and the write.</summary>
    private static async Task<T> WhileTemplateExistsAsync<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new ValidationFailedException("template_id", "must be the id of one of your team's templates.");
        }
    }

    private static TriggerWithKey WithKey(Trigger trigger, string key) => new()
    {
        Id = trigger.Id,
        Name = trigger.Name,
        TemplateId = trigger.TemplateId,
        TemplateName = trigger.TemplateName,
        DefaultTo = trigger.DefaultTo,
        Enabled = trigger.Enabled,
        RateLimitPerMinute = trigger.RateLimitPerMinute,
        AllowedRecipientDomains = trigger.AllowedRecipientDomains,
        CreatedAt = trigger.CreatedAt,
        UpdatedAt = trigger.UpdatedAt,
        TriggerKey = key,
    };

    private static NotFoundException NotFound() => new NotFoundException("No trigger with this id in your team.");
}
