using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Triggers;
using Npgsql;

namespace Moosermail.Core.Templates;

public sealed class TemplateService(TemplateRepository templates, TriggerRepository triggers, TemplateRenderer renderer, TimeProvider time, ILogger<TemplateService> logger)
{
    public async Task<Template> CreateAsync(Caller caller, CreateTemplateRequest request, CancellationToken cancellationToken)
    {
        var variables = TemplateRules.Validate(request.Name, request.Subject, request.BodyHtml, request.BodyText);
        var now = time.GetUtcNow();
        var template = new Template
        {
            Id = Guid.NewGuid(),
            Name = request.Name!.Trim(),
            Subject = request.Subject!,
            BodyHtml = request.BodyHtml ?? string.Empty,
            BodyText = request.BodyText ?? string.Empty,
            Variables = variables,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var created = await templates.InsertAsync(caller.TeamId, template, cancellationToken);
        logger.LogInformation("Template {TemplateId} created in team {TeamId}", created.Id, caller.TeamId);
        return created;
    }

    public Task<IReadOnlyList<Template>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        templates.ListForTeamAsync(caller.TeamId, cancellationToken);

    public async Task<Template> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await templates.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();

    /// <summary>For the sending code: the team's template, or null when it is missing or belongs to another team.</summary>
    public Task<Template?> GetForTeamAsync(Guid teamId, Guid id, CancellationToken cancellationToken = default) =>
        templates.GetAsync(teamId, id, cancellationToken);

    public async Task<Template> UpdateAsync(Caller caller, Guid id, UpdateTemplateRequest request, CancellationToken cancellationToken)
    {
        var current = await templates.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();
        var merged = current with
        {
            Name = request.Name?.Trim() ?? current.Name,
            Subject = request.Subject ?? current.Subject,
            BodyHtml = request.BodyHtml ?? current.BodyHtml,
            BodyText = request.BodyText ?? current.BodyText,
            UpdatedAt = time.GetUtcNow(),
        };
        merged = merged with { Variables = TemplateRules.Validate(merged.Name, merged.Subject, merged.BodyHtml, merged.BodyText) };
        return await templates.UpdateAsync(caller.TeamId, merged, cancellationToken) ?? throw NotFound();
    }

    /// <summary>Refuses (a conflict naming them) to delete a template that triggers use, unless <paramref name="force"/> deletes them too.</summary>
    public async Task DeleteAsync(Caller caller, Guid id, bool force, CancellationToken cancellationToken)
    {
        try
        {
            if (!await templates.DeleteAsync(caller.TeamId, id, force, cancellationToken))
            {
                throw NotFound();
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            var names = await triggers.ListNamesUsingTemplateAsync(caller.TeamId, id, cancellationToken);
            throw new ConflictException(
                $"This template is used by triggers: {string.Join(", ", names.Select(n => $"'{n}'"))}. Point them at another template or delete them first, or delete with ?force=true to delete them too.");
        }

        logger.LogInformation("Template {TemplateId} deleted in team {TeamId} (force: {Force})", id, caller.TeamId, force);
    }

    /// <summary>A preview: renders with the given variables and sends nothing.</summary>
    public async Task<RenderedTemplate> RenderAsync(Caller caller, Guid id, RenderTemplateRequest request, CancellationToken cancellationToken)
    {
        var template = await GetAsync(caller, id, cancellationToken);
        var variables = (request.Variables ?? new Dictionary<string, System.Text.Json.JsonElement>())
            .ToDictionary(v => v.Key, v => (object?)v.Value, StringComparer.Ordinal);
        return renderer.Render(template, variables);
    }

    private static NotFoundException NotFound() => new NotFoundException("No template with this id in your team.");
}
