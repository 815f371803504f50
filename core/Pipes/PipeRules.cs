using Moosermail.Core.Errors;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Pipes;

/// <summary>
/// Field rules for a pipe. Each field is checked on its own (naming the field), then <see cref="Whole"/> checks
/// that the pipe, as it would be stored, can run: its action has what it needs and it can match something.
/// </summary>
internal static class PipeRules
{
    public const int MaxNameLength = 100;
    public const int MaxMatchLength = 500;
    public const int MaxUrlLength = 2048;

    public static string? Name(string? value, bool required, ValidationErrors errors)
    {
        var name = value?.Trim();
        if ((required || value is not null) && (string.IsNullOrEmpty(name) || name.Length > MaxNameLength))
        {
            errors.Add("name", $"is required, 1 to {MaxNameLength} characters.");
        }

        return string.IsNullOrEmpty(name) ? null : name;
    }

    public static string? Action(string? value, bool required, ValidationErrors errors)
    {
        if (value is null && !required)
        {
            return null;
        }

        var action = value?.Trim().ToLowerInvariant();
        if (action is null || !PipeActions.All.Contains(action))
        {
            errors.Add("action", $"must be one of {string.Join(", ", PipeActions.All)}.");
            return null;
        }

        return action;
    }

    /// <summary>A substring to look for; "" (or only spaces) means no condition.</summary>
    public static string? Match(string field, string? value, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (value.Length > MaxMatchLength)
        {
            errors.Add(field, $"may be at most {MaxMatchLength} characters.");
        }

        return value.Trim();
    }

    /// <summary>Where a webhook pipe posts; the service then has the outbound guard check it (and it checks again at send time).</summary>
    public static string? ActionUrl(string? value, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var url = value.Trim();
        if (url.Length > MaxUrlLength)
        {
            errors.Add("action_url", $"may be at most {MaxUrlLength} characters.");
        }

        return url;
    }

    /// <summary>One address to forward to, normalised.</summary>
    public static string? ActionTo(string? value, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var address = EmailAddressRules.Normalize(value);
        if (address is null)
        {
            errors.Add("action_to", "must be one email address, like someone@example.com.");
        }

        return address;
    }

    public static string? ActionTag(string? value, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var tag = value.Trim().ToLowerInvariant();
        if (!PipeActions.Tags.Contains(tag))
        {
            errors.Add("action_tag", $"must be one of {string.Join(", ", PipeActions.Tags)}.");
        }

        return tag;
    }

    /// <summary>What the whole pipe needs: its action's field, and at least one condition or match_all.</summary>
    public static void Whole(Pipe pipe, ValidationErrors errors)
    {
        if (!pipe.MatchAll && pipe.MatchFrom is null && pipe.MatchSubject is null && pipe.MatchBody is null)
        {
            errors.Add("match_all", "is false and no condition is set: give match_from, match_subject or match_body, or set match_all to true.");
        }

        switch (pipe.Action)
        {
            case PipeActions.Webhook when pipe.ActionUrl is null:
                errors.Add("action_url", "is required for a webhook pipe.");
                break;
            case PipeActions.Forward when pipe.ActionTo is null:
                errors.Add("action_to", "is required for a forward pipe.");
                break;
            case PipeActions.AutoReply when pipe.ActionTemplateId is null:
                errors.Add("action_template_id", "is required for an auto_reply pipe: the id of one of your team's templates.");
                break;
            case PipeActions.Tag when pipe.ActionTag is null:
                errors.Add("action_tag", $"is required for a tag pipe: one of {string.Join(", ", PipeActions.Tags)}.");
                break;
        }
    }
}
