using System.Globalization;
using System.Text;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Sending;

namespace Moosermail.Core.Emails;

/// <summary>Reading the send log, and changing scheduled emails before they go.</summary>
public sealed class EmailService(EmailRepository emails, TimeProvider time)
{
    public const int MaxLimit = 100;
    public const int MaxSendLog = 200;

    private static readonly HashSet<string> s_statuses = [.. EmailStatus.All];

    public async Task<EmailPage> ListAsync(Caller caller, EmailFilter filter, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (filter.Status is { } status && !s_statuses.Contains(status))
        {
            errors.Add("status", $"must be one of: {string.Join(", ", s_statuses)}.");
        }

        if (filter.Limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"must be 1 to {MaxLimit}.");
        }

        var after = filter.Cursor is null ? null : DecodeCursor(filter.Cursor, errors);
        errors.ThrowIfAny();
        var rows = await emails.ListForTeamAsync(caller.TeamId, filter, after, cancellationToken);
        var next = rows.Count == filter.Limit ? EncodeCursor(rows[^1]) : null;
        return new EmailPage(rows, next);
    }

    public async Task<EmailDetail> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await emails.GetForTeamAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();

    public async Task<EmailDetail> CancelAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        Explain(await emails.ChangeScheduledAsync(caller.TeamId, id, null, time.GetUtcNow(), cancellationToken), "canceled");
        return await GetAsync(caller, id, cancellationToken);
    }

    public async Task<EmailDetail> RescheduleAsync(Caller caller, Guid id, DateTimeOffset? scheduledAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (scheduledAt is not { } at || at <= now || at > now + SendValidator.MaxSchedule)
        {
            throw new ValidationFailedException("scheduled_at", $"must be in the future and at most {SendValidator.MaxSchedule.TotalDays:0} days ahead (ISO 8601).");
        }

        Explain(await emails.ChangeScheduledAsync(caller.TeamId, id, at, now, cancellationToken), "rescheduled");
        return await GetAsync(caller, id, cancellationToken);
    }

    public Task<IReadOnlyList<SendLogEntry>> SendLogAsync(Caller caller, int? limit, CancellationToken cancellationToken) =>
        emails.SendLogAsync(caller.TeamId, Math.Clamp(limit ?? MaxSendLog, 1, MaxSendLog), cancellationToken);

    private static void Explain(string? statusBefore, string action)
    {
        switch (statusBefore)
        {
            case null:
                throw NotFound();
            case EmailStatus.Scheduled:
                return;
            default:
                throw new ConflictException($"Only scheduled emails can be {action}; this one is {statusBefore}.");
        }
    }

    private static NotFoundException NotFound() => new NotFoundException("No email with this id in your team.");

    private static string EncodeCursor(EmailSummary last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{last.Id:N}"));

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
