using Moosermail.Core.Errors;

namespace Moosermail.Core.Templates;

/// <summary>What a template must be before it is stored: sizes, and texts that compile in our subset of Handlebars.</summary>
public static class TemplateRules
{
    public const int MaxNameLength = 100;
    public const int MaxSubjectLength = 998;
    public const int MaxBodyLength = 500_000;

    /// <summary>Returns the template's variables, in order of first appearance.</summary>
    /// <exception cref="ValidationFailedException">Naming every bad field, with the line and column of a syntax error.</exception>
    public static string[] Validate(string? name, string? subject, string? bodyHtml, string? bodyText)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
        {
            errors.Add("name", $"is required, 1 to {MaxNameLength} characters.");
        }

        if (string.IsNullOrWhiteSpace(subject) || subject.Length > MaxSubjectLength)
        {
            errors.Add("subject", $"is required, 1 to {MaxSubjectLength} characters.");
        }
        else if (Validation.TextRules.HasLineBreak(subject))
        {
            errors.Add("subject", "must be one line: CR and LF would start a new mail header.");
        }

        if (string.IsNullOrEmpty(bodyHtml) && string.IsNullOrEmpty(bodyText))
        {
            errors.Add("body_text", "is required when body_html is empty: a template needs a body.");
        }

        CheckSyntax("subject", subject, errors);
        CheckSyntax("body_html", bodyHtml, errors);
        CheckSyntax("body_text", bodyText, errors);
        errors.ThrowIfAny();
        return TemplateSyntax.Variables(subject!, bodyHtml ?? string.Empty, bodyText ?? string.Empty);
    }

    private static void CheckSyntax(string field, string? text, ValidationErrors errors)
    {
        if (text is null)
        {
            return;
        }

        if (text.Length > MaxBodyLength)
        {
            errors.Add(field, $"must be at most {MaxBodyLength} characters.");
            return;
        }

        var (_, error) = TemplateSyntax.Scan(text);
        var compileError = error is null ? TemplateRenderer.CompileError(text) : null;
        if (error is not null || compileError is not null)
        {
            errors.Add(field, error is not null ? $"has a {error}" : $"does not compile: {compileError}");
        }
    }
}
