using System.Text.Json;
using Moosermail.Core.Errors;
using Moosermail.Core.Validation;

namespace Moosermail.Functions.Http;

/// <summary>
/// Walks a parsed JSON body and refuses, with a 400 naming the field (<c>emails[2].subject</c>,
/// <c>variables.name</c>), any string or property name that <see cref="TextRules"/> refuses. Run on
/// every JSON body before it is bound, so no route can forget it and nothing reaches Postgres.
/// </summary>
public static class JsonTextGuard
{
    /// <exception cref="ValidationFailedException">A string or member name holds NUL or a lone surrogate.</exception>
    public static void Check(JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                Refuse(path, StringProblem(element));
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Check(item, $"{path}[{index++}]");
                }

                break;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    var name = SafeName(member, path);
                    Check(member.Value, path.Length == 0 ? name : $"{path}.{name}");
                }

                break;
        }
    }

    private static string SafeName(JsonProperty member, string path)
    {
        string name;
        try
        {
            name = member.Name;
        }
        catch (InvalidOperationException)
        {
            throw Refused(path.Length == 0 ? "body" : path, "has a member name that is not valid Unicode text (a lone surrogate).");
        }

        if (TextRules.Problem(name) is { } problem)
        {
            throw Refused(path.Length == 0 ? "body" : path, $"has a member name that {problem}");
        }

        return name;
    }

    /// <summary>The problem with a string value, reading it even when its escapes make an invalid string.</summary>
    private static string? StringProblem(JsonElement element)
    {
        try
        {
            return TextRules.Problem(element.GetString());
        }
        catch (InvalidOperationException)
        {
            return "must not contain a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff).";
        }
    }

    private static void Refuse(string path, string? problem)
    {
        if (problem is not null)
        {
            throw Refused(path.Length == 0 ? "body" : path, problem);
        }
    }

    private static ValidationFailedException Refused(string field, string message) => new(field, message);
}
