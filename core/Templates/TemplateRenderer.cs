using System.Globalization;
using System.Text.Json;
using HandlebarsDotNet;

namespace Moosermail.Core.Templates;

/// <summary>
/// Renders templates with Handlebars: <c>{{name}}</c> is HTML-escaped in body_html and inserted as is in the
/// subject and text; <c>{{{name}}}</c> is always raw. Values are inserted literally (never re-evaluated).
/// A variable that was not supplied (or is null) renders empty and is listed in <see cref="RenderedTemplate.Missing"/>.
/// </summary>
public sealed class TemplateRenderer
{
    private static readonly IHandlebars s_html = Handlebars.Create(new HandlebarsConfiguration { TextEncoder = new HtmlValueEncoder() });
    private static readonly IHandlebars s_plain = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "An injected service, so a compile cache can be added without changing callers.")]
    public RenderedTemplate Render(Template template, IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(variables);
        var values = variables.Where(v => v.Value is not null && !IsJsonNull(v.Value))
            .ToDictionary(v => v.Key, v => (object?)Format(v.Value), StringComparer.Ordinal);
        var used = TemplateSyntax.Variables(template.Subject, template.BodyHtml, template.BodyText);
        var subject = s_plain.Compile(template.Subject)(values);
        return new RenderedTemplate(
            subject.ReplaceLineEndings(" "), // a header: a value must not add lines to it
            s_html.Compile(template.BodyHtml)(values),
            s_plain.Compile(template.BodyText)(values),
            used.Where(v => !values.ContainsKey(v)).ToList());
    }

    /// <summary>Null when Handlebars compiles <paramref name="text"/>; else the first line of its complaint.</summary>
    public static string? CompileError(string text)
    {
        try
        {
            s_html.Compile(text);
            return null;
        }
        catch (HandlebarsException ex)
        {
            return ex.Message.Split('\n')[0].Trim();
        }
    }

    private static bool IsJsonNull(object value) => value is JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined };

    private static string Format(object? value) => value switch
    {
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } json => json.GetString()!,
        JsonElement json => json.GetRawText(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? string.Empty,
    };
}
