namespace Moosermail.Core.Pipes;

/// <summary>What a pipe looks at in a received email: the From header, the subject and the plain-text body.</summary>
public sealed record PipeMessage(string From, string Subject, string Text);

/// <summary>
/// Moosermail's documented matching (§2.11): each set condition is a case-insensitive substring of its field,
/// the conditions are OR-combined, and match_all matches every email. A pipe with no condition matches nothing.
/// </summary>
public static class PipeMatcher
{
    public static bool Matches(Pipe pipe, PipeMessage message) =>
        pipe.MatchAll
        || Contains(message.From, pipe.MatchFrom)
        || Contains(message.Subject, pipe.MatchSubject)
        || Contains(message.Text, pipe.MatchBody);

    private static bool Contains(string field, string? condition) =>
        !string.IsNullOrEmpty(condition) && field.Contains(condition, StringComparison.OrdinalIgnoreCase);
}
