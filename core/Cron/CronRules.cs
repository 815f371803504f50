using System.Text;
using System.Text.Json;
using Moosermail.Core.Contacts;
using Moosermail.Core.Errors;
using Moosermail.Core.Sending;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Cron;

/// <summary>
/// Field rules shared by create and update; each adds to <see cref="ValidationErrors"/> and returns the clean value.
/// The limits keep one team's schedule small enough for every instance's minute tick: at most
/// <see cref="MaxJobsPerTeam"/> jobs, <see cref="MaxRecipients"/> addresses or <see cref="MaxTagFanOut"/> tagged
/// contacts per run. The smallest interval is the smallest a 5-field expression can say: one minute.
/// </summary>
internal static class CronRules
{
    public const int MaxNameLength = 100;
    public const int MaxJobsPerTeam = 100;
    public const int MaxRecipients = 50;
    public const int MaxTagFanOut = 1_000;
    public const int MaxVariablesBytes = 32 * 1024;

    public static string? Name(string? value, bool required, ValidationErrors errors)
    {
        var name = value?.Trim();
        if ((required || value is not null) && (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(char.IsControl)))
        {
            errors.Add("name", $"is required, 1 to {MaxNameLength} characters.");
        }

        return string.IsNullOrEmpty(name) ? null : name;
    }

    /// <summary>Recipients as /api/send takes them (a string, a comma-separated string or an array), normalized.</summary>
    public static string[]? To(JsonElement? value, DateTimeOffset now, ValidationErrors errors)
    {
        if (value is not { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } to)
        {
            return null;
        }

        var recipients = new ValidationErrors();
        var parsed = SendValidator.Validate(new SendInput { To = to, Subject = "-", Body = "-" }, now, recipients);
        if (parsed is null || !recipients.IsEmpty)
        {
            foreach (var (field, messages) in recipients.ByField())
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }

            return null;
        }

        if (parsed.To.Count > MaxRecipients)
        {
            errors.Add("to", $"has {parsed.To.Count} recipients; a cron job sends to at most {MaxRecipients} (use to_tag to reach contacts).");
            return null;
        }

        return [.. parsed.To];
    }

    public static string? Tag(string? value, ValidationErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        var tag = value.Trim();
        if (tag.Length is 0 or > ContactRules.MaxTagLength || tag.Contains(';', StringComparison.Ordinal) || tag.Any(char.IsControl))
        {
            errors.Add("to_tag", $"must be a contact tag of 1 to {ContactRules.MaxTagLength} characters, without ';'.");
            return null;
        }

        return tag;
    }

    /// <summary>The variables as stored JSON; at most <see cref="MaxVariablesBytes"/> UTF-8 bytes.</summary>
    public static string? Variables(IReadOnlyDictionary<string, JsonElement>? value, ValidationErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        var json = JsonSerializer.Serialize(value);
        if (Encoding.UTF8.GetByteCount(json) > MaxVariablesBytes)
        {
            errors.Add("variables", $"take more than {MaxVariablesBytes} bytes; a cron job keeps at most that.");
            return null;
        }

        return json;
    }

    /// <summary>A From value (<c>addr</c> or <c>Name &lt;addr&gt;</c>); "" means the team's default sender.</summary>
    public static string? From(string? value, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var from = FromAddress.Normalize(value);
        if (from is null)
        {
            errors.Add("from", "must be one of your team's sender addresses, like hello@example.com or \"Team <hello@example.com>\".");
        }

        return from;
    }
}
