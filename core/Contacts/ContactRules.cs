using System.Text.Json;
using Moosermail.Core.Errors;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Contacts;

/// <summary>Field rules shared by create, update and import; each adds to <see cref="ValidationErrors"/> and returns the clean value.</summary>
public static class ContactRules
{
    public const int MaxNameLength = 200;
    public const int MaxTags = 50;
    public const int MaxTagLength = 50;
    public const int MaxPropertiesBytes = 16 * 1024;

    public static string? Email(string? value, bool required, ValidationErrors errors)
    {
        if (value is null && !required)
        {
            return null;
        }

        var email = EmailAddressRules.Normalize(value);
        if (email is null)
        {
            errors.Add("email", "must be one email address, like someone@example.com.");
        }

        return email;
    }

    public static string? Name(string? value, ValidationErrors errors)
    {
        var name = value?.Trim();
        if (name is { Length: > MaxNameLength })
        {
            errors.Add("name", $"must be at most {MaxNameLength} characters.");
        }

        return string.IsNullOrEmpty(name) ? null : name;
    }

    /// <summary>Trimmed, de-duplicated, blanks dropped. ';' is refused: it separates tags in CSV imports.</summary>
    public static string[]? Tags(IEnumerable<string?>? value, ValidationErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        var tags = value.Select(t => t?.Trim()).Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).Distinct(StringComparer.Ordinal).ToArray();
        if (tags.Length > MaxTags || tags.Any(t => t.Length > MaxTagLength || t.Contains(';', StringComparison.Ordinal)))
        {
            errors.Add("tags", $"must be at most {MaxTags} tags of 1 to {MaxTagLength} characters, without ';'.");
        }

        return tags;
    }

    /// <summary>The properties as JSON text; they must be a JSON object of at most 16 KB.</summary>
    public static string? Properties(JsonElement? value, ValidationErrors errors)
    {
        if (value is null || value.Value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var json = value.Value.GetRawText();
        // jsonb refuses \u0000; say so here rather than fail in the database.
        if (value.Value.ValueKind != JsonValueKind.Object || System.Text.Encoding.UTF8.GetByteCount(json) > MaxPropertiesBytes || json.Contains("\\u0000", StringComparison.Ordinal))
        {
            errors.Add("properties", $"must be a JSON object of at most {MaxPropertiesBytes / 1024} KB.");
        }

        return json;
    }
}
