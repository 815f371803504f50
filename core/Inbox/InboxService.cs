using System.Globalization;
using System.Text;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;

namespace Moosermail.Core.Inbox;

/// <summary>The inbox as the API, MCP and CLI see it: one team's received mail, its threads, and its read/label state.</summary>
public sealed class InboxService(InboxRepository inbox, Drafts.ReplyRepository replies)
{
    public const int MaxLimit = 100;
    public const int MaxLabels = 20;
    public const int MaxLabelLength = 50;
    public const int MaxSearchLength = 500;

    public async Task<InboxPage> ListAsync(Caller caller, InboxQuery query, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (query.Limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"must be 1 to {MaxLimit}.");
        }

        if (query.Search is { Length: > MaxSearchLength })
        {
            errors.Add("q", $"must be at most {MaxSearchLength} characters.");
        }

        if (query.From is { Length: > 320 })
        {
            errors.Add("from", "must be at most 320 characters.");
        }

        if (query.Label is { } label && LabelProblem(label) is { } problem)
        {
            errors.Add("label", problem);
        }

        var after = query.Cursor is null ? null : DecodeCursor(query.Cursor, errors);
        errors.ThrowIfAny();
        var rows = await inbox.ListAsync(caller.TeamId, query, after, cancellationToken);
        return new InboxPage(rows, rows.Count == query.Limit ? EncodeCursor(rows[^1]) : null);
    }

    /// <summary>Reading an email marks nothing: read state changes only through <see cref="UpdateAsync"/>.</summary>
    public async Task<ReceivedEmail> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await inbox.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();

    public async Task<ReceivedEmail> UpdateAsync(Caller caller, Guid id, InboxUpdate update, CancellationToken cancellationToken)
    {
        var labels = update.Labels is null ? null : ValidLabels(update.Labels);
        if (!await inbox.UpdateAsync(caller.TeamId, id, update with { Labels = labels }, cancellationToken))
        {
            throw NotFound();
        }

        return await GetAsync(caller, id, cancellationToken);
    }

    public async Task<InboxThread> ThreadAsync(Caller caller, Guid threadId, CancellationToken cancellationToken)
    {
        var emails = await inbox.ListThreadAsync(caller.TeamId, threadId, cancellationToken);
        if (emails.Count == 0)
        {
            throw new NotFoundException("No thread with this id in your team's inbox.");
        }

        return new InboxThread(threadId, emails[0].Subject, emails) { Replies = await replies.ListForThreadAsync(caller.TeamId, threadId, cancellationToken) };
    }

    /// <summary>Labels trimmed and de-duplicated; at most <see cref="MaxLabels"/>, each a short word of letters, digits and -_.:/ or spaces.</summary>
    private static List<string> ValidLabels(IReadOnlyList<string> labels)
    {
        var errors = new ValidationErrors();
        if (labels.Count > MaxLabels)
        {
            errors.Add("labels", $"may hold at most {MaxLabels} labels.");
        }

        var clean = new List<string>();
        foreach (var label in labels.Take(MaxLabels + 1))
        {
            if (LabelProblem(label) is { } problem)
            {
                errors.Add("labels", problem);
                break;
            }

            if (!clean.Contains(label.Trim(), StringComparer.Ordinal))
            {
                clean.Add(label.Trim());
            }
        }

        errors.ThrowIfAny();
        return clean;
    }

    private static string? LabelProblem(string? label)
    {
        var value = label?.Trim() ?? string.Empty;
        if (value.Length is 0 or > MaxLabelLength)
        {
            return $"each label must be 1 to {MaxLabelLength} characters.";
        }

        return value.All(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.' or ':' or '/')
            ? null
            : "a label may contain only letters, digits, spaces and - _ . : /";
    }

    private static NotFoundException NotFound() => new("No received email with this id in your team's inbox.");

    private static string EncodeCursor(ReceivedEmailSummary last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.ReceivedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{last.Id:N}"));

    private static (DateTimeOffset, Guid)? DecodeCursor(string cursor, ValidationErrors errors)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(cursor)).Split(':');
            return (new DateTimeOffset(long.Parse(parts[0], CultureInfo.InvariantCulture), TimeSpan.Zero), Guid.ParseExact(parts[1], "N"));
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            errors.Add("cursor", "is not a cursor from a previous page; omit it to start from the newest email.");
            return null;
        }
    }
}
