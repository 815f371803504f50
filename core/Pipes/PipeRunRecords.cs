namespace Moosermail.Core.Pipes;

/// <summary>Where a (received email, pipe) pair stands. Unmatched pairs are markers only; the runs list leaves them out.</summary>
public static class PipeRunStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Unmatched = "unmatched";
}

/// <summary>One run of a pipe on one received email, as GET /api/pipes/{id}/runs shows it.</summary>
public sealed record PipeRun
{
    public Guid Id { get; init; }

    public Guid ReceivedEmailId { get; init; }

    public string Status { get; init; } = string.Empty;

    public int Attempts { get; init; }

    /// <summary>What the action did (e.g. the email id of a forward) or why it was skipped.</summary>
    public string? Detail { get; init; }

    public string? LastError { get; init; }

    /// <summary>When a pending run is tried next.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }
}

/// <summary>A run claimed by one processor for the length of its lease.</summary>
public sealed record ClaimedPipeRun(Guid Id, Guid TeamId, Guid PipeId, Guid ReceivedEmailId, int Attempts);

/// <summary>How one attempt ended. A failure with <see cref="Retry"/> is tried again later; without, it is final.</summary>
public sealed record PipeRunOutcome(string Status, string? Detail, string? Error = null, bool Retry = false)
{
    public static PipeRunOutcome Done(string? detail = null) => new(PipeRunStatus.Succeeded, detail);

    public static PipeRunOutcome Skip(string detail) => new(PipeRunStatus.Skipped, detail);

    public static PipeRunOutcome Unmatched() => new(PipeRunStatus.Unmatched, null);

    public static PipeRunOutcome Fail(string error, bool retry) => new(PipeRunStatus.Failed, null, error, retry);
}
