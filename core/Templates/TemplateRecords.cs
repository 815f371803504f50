namespace Moosermail.Core.Templates;

public sealed record CreateTemplateRequest(string? Name, string? Subject, string? BodyHtml, string? BodyText);

/// <summary>A partial update: a null field keeps its value.</summary>
public sealed record UpdateTemplateRequest(string? Name, string? Subject, string? BodyHtml, string? BodyText);

public sealed record RenderTemplateRequest(IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Variables);

/// <summary>A template as stored: <see cref="Variables"/> is re-extracted from the texts on every save.</summary>
public sealed record Template
{
    public Guid Id { get; init; }

    public string Name { get; init; } = string.Empty;

    public string Subject { get; init; } = string.Empty;

    public string BodyHtml { get; init; } = string.Empty;

    public string BodyText { get; init; } = string.Empty;

    public string[] Variables { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>
/// A rendered template. <see cref="Missing"/> names the variables the template uses that were not supplied
/// (they render as empty): the sending code refuses to send when it is not empty; the preview just shows it.
/// </summary>
public sealed record RenderedTemplate(string Subject, string Html, string Text, IReadOnlyList<string> Missing);
