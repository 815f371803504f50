using System.Text.Json;
using Moosermail.Core.Errors;
using Moosermail.Core.Senders;
using Moosermail.Core.Sending;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Drafts;

/// <summary>
/// What a draft may hold while it is being written: it may be incomplete (no recipient, no subject, no body yet),
/// but what it holds must be sendable in form — valid addresses within Resend's limits, a one-line subject, a
/// sender of the team. The full send rules run when it is sent.
/// </summary>
public static class DraftRules
{
    /// <summary>Each body may be this long; the request limit bounds both together.</summary>
    public const int MaxBodyChars = 512 * 1024;

    /// <summary><paramref name="input"/> applied over <paramref name="current"/>: a missing (null) field keeps its value.</summary>
    /// <exception cref="ValidationFailedException">Naming each field that is wrong.</exception>
    public static Draft Apply(Draft current, DraftInput input, IReadOnlyList<Sender> senders)
    {
        var errors = new ValidationErrors();
        var draft = current with
        {
            To = Recipients(input.To, "to", errors) ?? current.To,
            Cc = Recipients(input.Cc, "cc", errors) ?? current.Cc,
            Bcc = Recipients(input.Bcc, "bcc", errors) ?? current.Bcc,
            From = input.From is null ? current.From : From(input.From, senders, errors),
            Subject = input.Subject is null ? current.Subject : Subject(input.Subject, errors),
            Text = (input.Text ?? input.Body) is { } text ? Body(text, "text", errors) : current.Text,
            Html = input.Html is { } html ? Body(html, "html", errors) : current.Html,
            Quote = input.Quote ?? current.Quote,
        };
        errors.ThrowIfAny();
        return draft;
    }

    private static string[]? Recipients(JsonElement? value, string field, ValidationErrors errors) =>
        value is null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } ? null
            : [.. SendValidator.Recipients(value, field, errors, required: false)];

    /// <summary>"" clears the sender (the team's default sends it); anything else must be one of the team's senders.</summary>
    private static string? From(string value, IReadOnlyList<Sender> senders, ValidationErrors errors)
    {
        if (value.Trim().Length == 0)
        {
            return null;
        }

        var from = FromAddress.Normalize(value);
        if (from is null || !senders.Any(s => string.Equals(FromAddress.AddressOf(s.FromAddress), FromAddress.AddressOf(from), StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add("from", senders.Count == 0
                ? "This team has no Resend key yet. Add one with POST /api/keys {api_key, from_address}."
                : $"must be addr@domain or Name <addr@domain>, one of this team's senders: {string.Join(", ", senders.Select(s => FromAddress.AddressOf(s.FromAddress)))}.");
        }

        return from;
    }

    private static string Subject(string value, ValidationErrors errors)
    {
        var subject = value.Trim();
        if (subject.Length > SendValidator.MaxSubjectLength)
        {
            errors.Add("subject", $"may be at most {SendValidator.MaxSubjectLength} characters.");
        }
        else if (TextRules.HasLineBreak(subject))
        {
            errors.Add("subject", "must be one line: CR and LF would start a new mail header.");
        }

        return subject;
    }

    private static string? Body(string value, string field, ValidationErrors errors)
    {
        if (value.Length > MaxBodyChars)
        {
            errors.Add(field, $"may be at most {MaxBodyChars} characters.");
        }

        return value.Length == 0 ? null : value;
    }
}
