using Microsoft.Extensions.Logging;
using Moosermail.Core.Audit;
using Moosermail.Core.Errors;
using Moosermail.Core.Outbound;
using Moosermail.Core.Secrets;
using Moosermail.Core.Security;
using Moosermail.Core.Templates;
using Npgsql;

namespace Moosermail.Core.Pipes;

/// <summary>Pipe management (§2.11): field rules, the team's template for auto-replies, the URL guard, audit.</summary>
public sealed class PipeService(PipeRepository pipes, PipeRunRepository runs, TemplateRepository templates, OutboundHttpGuard guard, SecretCipher cipher, TimeProvider time, ILogger<PipeService> logger)
{
    public async Task<Pipe> CreateAsync(Caller caller, CreatePipeRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var now = time.GetUtcNow();
        var pipe = new Pipe
        {
            Id = Guid.NewGuid(),
            Name = PipeRules.Name(request.Name, required: true, errors) ?? string.Empty,
            Action = PipeRules.Action(request.Action, required: true, errors) ?? string.Empty,
            MatchFrom = PipeRules.Match("match_from", request.MatchFrom, errors),
            MatchSubject = PipeRules.Match("match_subject", request.MatchSubject, errors),
            MatchBody = PipeRules.Match("match_body", request.MatchBody, errors),
            MatchAll = request.MatchAll ?? false,
            ActionUrl = PipeRules.ActionUrl(request.ActionUrl, errors),
            ActionTo = PipeRules.ActionTo(request.ActionTo, errors),
            ActionTemplateId = request.ActionTemplateId,
            ActionTag = PipeRules.ActionTag(request.ActionTag, errors),
            StripClosers = request.StripClosers ?? false,
            Enabled = request.Enabled ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await CheckWholeAsync(caller.TeamId, pipe, request.ActionTemplateId, request.ActionUrl is not null, errors, cancellationToken);

        var secret = pipe.Action == PipeActions.Webhook ? StandardWebhookSigner.NewSecret() : null;
        var created = await WhileTemplateExistsAsync(() => pipes.InsertAsync(
            caller.TeamId, pipe, Encrypt(secret, caller.TeamId, pipe.Id), AuditEntry.By(caller, AuditActions.PipeCreated, "pipe", pipe.Id.ToString(), new { pipe.Name, pipe.Action }), cancellationToken));
        logger.LogInformation("Pipe {PipeId} ({Action}) created in team {TeamId}", created.Id, created.Action, caller.TeamId);
        return created with { SigningSecret = secret };
    }

    public Task<IReadOnlyList<Pipe>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        pipes.ListForTeamAsync(caller.TeamId, cancellationToken);

    public async Task<Pipe> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await pipes.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();

    public async Task<Pipe> UpdateAsync(Caller caller, Guid id, UpdatePipeRequest request, CancellationToken cancellationToken)
    {
        var current = await GetAsync(caller, id, cancellationToken);
        var errors = new ValidationErrors();
        var pipe = current with
        {
            Name = PipeRules.Name(request.Name, required: false, errors) ?? current.Name,
            Action = PipeRules.Action(request.Action, required: false, errors) ?? current.Action,
            MatchFrom = request.MatchFrom is null ? current.MatchFrom : PipeRules.Match("match_from", request.MatchFrom, errors),
            MatchSubject = request.MatchSubject is null ? current.MatchSubject : PipeRules.Match("match_subject", request.MatchSubject, errors),
            MatchBody = request.MatchBody is null ? current.MatchBody : PipeRules.Match("match_body", request.MatchBody, errors),
            MatchAll = request.MatchAll ?? current.MatchAll,
            ActionUrl = request.ActionUrl is null ? current.ActionUrl : PipeRules.ActionUrl(request.ActionUrl, errors),
            ActionTo = request.ActionTo is null ? current.ActionTo : PipeRules.ActionTo(request.ActionTo, errors),
            ActionTemplateId = request.ActionTemplateId ?? current.ActionTemplateId,
            ActionTag = request.ActionTag is null ? current.ActionTag : PipeRules.ActionTag(request.ActionTag, errors),
            StripClosers = request.StripClosers ?? current.StripClosers,
            Enabled = request.Enabled ?? current.Enabled,
            UpdatedAt = time.GetUtcNow(),
        };
        await CheckWholeAsync(caller.TeamId, pipe, request.ActionTemplateId, request.ActionUrl is not null, errors, cancellationToken);

        // A pipe that becomes a webhook pipe without a secret gets one, shown in this answer only.
        var secret = pipe.Action == PipeActions.Webhook && !current.HasSigningSecret ? StandardWebhookSigner.NewSecret() : null;
        var audit = AuditEntry.By(caller, AuditActions.PipeUpdated, "pipe", id.ToString(), new { pipe.Name, pipe.Action, pipe.Enabled });
        var updated = await WhileTemplateExistsAsync(() => pipes.UpdateAsync(caller.TeamId, pipe, Encrypt(secret, caller.TeamId, id), current.UpdatedAt, audit, cancellationToken));
        if (updated is null)
        {
            // Deleted meanwhile (not found), or changed by another request between our read and write (conflict).
            _ = await GetAsync(caller, id, cancellationToken);
            throw new ConflictException("The pipe was changed by another request meanwhile; read it again and retry.");
        }

        logger.LogInformation("Pipe {PipeId} updated in team {TeamId}", id, caller.TeamId);
        return updated with { SigningSecret = secret };
    }

    /// <summary>The pipe's runs, newest first: pending (with the next attempt), succeeded, skipped (why) and failed (why).</summary>
    public async Task<IReadOnlyList<PipeRun>> ListRunsAsync(Caller caller, Guid id, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 200)
        {
            throw new ValidationFailedException("limit", "must be between 1 and 200.");
        }

        _ = await GetAsync(caller, id, cancellationToken);
        return await runs.ListAsync(caller.TeamId, id, limit ?? 50, cancellationToken);
    }

    public async Task DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        if (!await pipes.DeleteAsync(caller.TeamId, id, AuditEntry.By(caller, AuditActions.PipeDeleted, "pipe", id.ToString()), time.GetUtcNow(), cancellationToken))
        {
            throw NotFound();
        }

        logger.LogInformation("Pipe {PipeId} deleted in team {TeamId}", id, caller.TeamId);
    }

    /// <summary>The template named in this request must be the team's; then the pipe as a whole must be able to run.</summary>
    private async Task CheckWholeAsync(Guid teamId, Pipe pipe, Guid? namedTemplateId, bool urlGiven, ValidationErrors errors, CancellationToken cancellationToken)
    {
        if (urlGiven && pipe.ActionUrl is { } url && errors.ByField().ContainsKey("action_url") is false)
        {
            try
            {
                await guard.ValidateAsync(url, "action_url", cancellationToken);
            }
            catch (ValidationFailedException ex) when (ex.Errors is not null)
            {
                foreach (var (field, messages) in ex.Errors)
                {
                    Array.ForEach(messages, m => errors.Add(field, m));
                }
            }
        }

        if (namedTemplateId is { } templateId && await templates.GetAsync(teamId, templateId, cancellationToken) is null)
        {
            errors.Add("action_template_id", "must be the id of one of your team's templates.");
        }
        else if (pipe.Action.Length > 0)
        {
            PipeRules.Whole(pipe, errors);
        }

        errors.ThrowIfAny();
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
            throw new ValidationFailedException("action_template_id", "must be the id of one of your team's templates.");
        }
    }

    private string? Encrypt(string? secret, Guid teamId, Guid pipeId) =>
        secret is null ? null : cipher.Encrypt(secret, PipeSecrets.Context(teamId, pipeId));

    private static NotFoundException NotFound() => new("No pipe with this id in your team.");
}
