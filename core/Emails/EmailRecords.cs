namespace Moosermail.Core.Emails;

/// <summary>Filters of GET /api/emails; every one optional.</summary>
public sealed record EmailFilter(string? Status, string? To, string? From, DateTimeOffset? Since, DateTimeOffset? Until, string? Tag, string? Cursor, int Limit);

/// <summary>A row of the send log.</summary>
public record EmailSummary
{
    public Guid Id { get; init; }

    public string From { get; init; } = string.Empty;

    public string[] To { get; init; } = [];

    public string Subject { get; init; } = string.Empty;

    public string Status { get; init; } = string.Empty;

    public string? ResendId { get; init; }

    public string[] Tags { get; init; } = [];

    public DateTimeOffset? ScheduledAt { get; init; }

    public int Attempts { get; init; }

    public string? LastError { get; init; }

    public int OpenedCount { get; init; }

    public int ClickedCount { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    /// <summary>The cron job that sent this email (null for any other send); the id stays after the job is deleted.</summary>
    public Guid? CronJobId { get; init; }

    /// <summary>That job's name when it sent the email.</summary>
    public string? CronName { get; init; }
}

public sealed record EmailEvent(string Type, string? Detail, DateTimeOffset OccurredAt);

public sealed record EmailDetail(EmailSummary Email, IReadOnlyList<EmailEvent> Events);

public sealed record EmailPage(IReadOnlyList<EmailSummary> Data, string? NextCursor);

/// <summary>The original product's send-log entry.</summary>
public sealed record SendLogEntry
{
    public Guid Id { get; init; }

    public string ToAddress { get; init; } = string.Empty;

    public string Status { get; init; } = string.Empty;

    public string? ResendId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public string? TemplateName { get; init; }

    public string? TriggerName { get; init; }

    public string? CronName { get; init; }

    public string? Error { get; init; }
}
