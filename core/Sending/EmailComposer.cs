using Moosermail.Core.Contacts;
using Moosermail.Core.Errors;
using Moosermail.Core.Templates;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Sending;

/// <summary>
/// Composes an email from a send request: validates it, filling subject and bodies from a template when it
/// names one (rendered with the request's variables). Template mail never goes out with a variable missing
/// nor to an unsubscribed contact (an <see cref="UnprocessableException"/> naming them).
/// </summary>
public sealed class EmailComposer(TemplateService templates, TemplateRenderer renderer, ContactRepository contacts)
{
    public async Task<(ValidatedEmail? Email, Guid? TemplateId)> ValidateAsync(Guid teamId, SendInput input, DateTimeOffset now, ValidationErrors errors, string prefix, CancellationToken cancellationToken)
    {
        if (input.TemplateId is not { } templateId)
        {
            return (SendValidator.Validate(input, now, errors, prefix), null);
        }

        if (input.Subject is not null || input.Body is not null || input.Text is not null || input.Html is not null)
        {
            errors.Add($"{prefix}template_id", "comes instead of subject, body and html: give one or the other.");
            return (null, null);
        }

        var template = await templates.GetForTeamAsync(teamId, templateId, cancellationToken);
        if (template is null)
        {
            errors.Add($"{prefix}template_id", "is not a template of this team.");
            return (null, null);
        }

        var variables = input.Variables?.ToDictionary(v => v.Key, v => (object?)v.Value, StringComparer.Ordinal) ?? [];
        var email = Render(template, variables, input, now, errors, prefix);
        if (email is not null)
        {
            await RefuseUnsubscribedAsync(teamId, email.AllRecipients, prefix, cancellationToken);
        }

        return (email, templateId);
    }

    /// <summary>Renders <paramref name="template"/> into a validated email for <paramref name="input"/>'s recipients.</summary>
    public ValidatedEmail? Render(Template template, IReadOnlyDictionary<string, object?> variables, SendInput input, DateTimeOffset now, ValidationErrors errors, string prefix)
    {
        var rendered = renderer.Render(template, variables);
        if (rendered.Missing.Count > 0)
        {
            throw new UnprocessableException(
                $"The template '{template.Name}' uses variables that were not given: {string.Join(", ", rendered.Missing)}. Nothing was sent.")
            {
                Errors = new Dictionary<string, string[]> { [$"{prefix}variables"] = [.. rendered.Missing] },
            };
        }

        return SendValidator.Validate(input with { Subject = rendered.Subject, Html = rendered.Html, Text = rendered.Text, Body = null }, now, errors, prefix);
    }

    /// <summary>Unsubscribed contacts get no template or trigger mail.</summary>
    public async Task<IReadOnlyList<string>> UnsubscribedAsync(Guid teamId, IEnumerable<string> recipients, CancellationToken cancellationToken) =>
        await contacts.FindUnsubscribedAsync(teamId, recipients.Select(FromAddress.AddressOf).ToList(), cancellationToken);

    private async Task RefuseUnsubscribedAsync(Guid teamId, IEnumerable<string> recipients, string prefix, CancellationToken cancellationToken)
    {
        var unsubscribed = await UnsubscribedAsync(teamId, recipients, cancellationToken);
        if (unsubscribed.Count > 0)
        {
            throw new UnprocessableException(
                $"These recipients unsubscribed and get no template email: {string.Join(", ", unsubscribed)}. Nothing was sent.")
            {
                Errors = new Dictionary<string, string[]> { [$"{prefix}to"] = [.. unsubscribed] },
            };
        }
    }
}
