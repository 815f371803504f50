namespace Moosermail.ResendSandbox;

/// <summary>Limits and timings of the sandbox. Defaults are Resend's; tests shrink the delays.</summary>
public sealed class SandboxOptions
{
    /// <summary>Requests per second per API key (Resend: 2 by default, per team). Setting: RateLimitPerSecond.</summary>
    public int RateLimitPerSecond { get; set; } = 2;

    /// <summary>File that keeps webhook registrations and domains across restarts (SandboxPersistence). Setting: StateFile.</summary>
    public string? StateFile { get; set; }

    public int MaxRecipients { get; set; } = 50;

    public int MaxBatchSize { get; set; } = 100;

    /// <summary>Resend's limit: 40 MB of base64 attachment content per email.</summary>
    public long MaxAttachmentBytes { get; set; } = 40L * 1024 * 1024;

    public TimeSpan IdempotencyKeyLifetime { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan MaxScheduleAhead { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the scheduler looks for scheduled emails that are due.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Waits before each webhook retry after a non-2xx answer (Svix: 5 s, 5 min, 30 min, ...; shortened here).</summary>
    public IReadOnlyList<TimeSpan> WebhookRetryDelays { get; set; } =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)];
}
