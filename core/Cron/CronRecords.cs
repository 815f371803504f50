using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moosermail.Core.Cron;

/// <summary>
/// POST /api/cron. Recipients are <c>to</c> (an address, a comma-separated string or an array) or <c>to_tag</c>
/// (the team's subscribed contacts with that tag, resolved at each run), never both. <c>from</c> follows /api/send:
/// one of the team's senders, the default sender when absent. <c>to_addresses</c> (the original product's name) is
/// accepted for <c>to</c>; <c>timezone</c> defaults to UTC.
/// </summary>
public sealed record CreateCronJobRequest(
    string? Name,
    Guid? TemplateId,
    JsonElement? To,
    string? ToTag,
    IReadOnlyDictionary<string, JsonElement>? Variables,
    string? From,
    string? CronExpression,
    string? Timezone,
    bool? Enabled,
    IReadOnlyList<string>? ToAddresses = null);

/// <summary>
/// PUT /api/cron/{id}, a partial update: null keeps a field. Giving <c>to</c> replaces <c>to_tag</c> and the other way
/// round; <c>from: ""</c> goes back to the default sender; <c>variables</c> is replaced whole.
/// </summary>
public sealed record UpdateCronJobRequest(
    string? Name,
    Guid? TemplateId,
    JsonElement? To,
    string? ToTag,
    IReadOnlyDictionary<string, JsonElement>? Variables,
    string? From,
    string? CronExpression,
    string? Timezone,
    bool? Enabled,
    IReadOnlyList<string>? ToAddresses = null);

/// <summary>One coming slot, as the job's zone sees it and in UTC.</summary>
public sealed record CronNextRun(DateTimeOffset Local, DateTimeOffset Utc);

/// <summary>A cron job as the API shows it.</summary>
public sealed record CronJob
{
    public Guid Id { get; init; }

    public string Name { get; init; } = string.Empty;

    public Guid TemplateId { get; init; }

    /// <summary>Null when the template was deleted after the job was saved: the job's runs then fail until it is pointed at another.</summary>
    public string? TemplateName { get; init; }

    [JsonPropertyName("to")]
    public string[]? ToAddresses { get; init; }

    public string? ToTag { get; init; }

    /// <summary>The jsonb column as text (Dapper cannot read jsonb into a record); shown as <see cref="Variables"/>.</summary>
    [JsonIgnore]
    public string VariablesJson { get; init; } = "{}";

    public JsonElement Variables => JsonSerializer.Deserialize<JsonElement>(VariablesJson);

    [JsonPropertyName("from")]
    public string? FromAddress { get; init; }

    public string CronExpression { get; init; } = string.Empty;

    public string Timezone { get; init; } = string.Empty;

    public bool Enabled { get; init; }

    /// <summary>The slot the timer runs next, in UTC (null while disabled).</summary>
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>The latest slot that ran (sent or failed), in UTC.</summary>
    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>The next 5 slots from now (none while disabled).</summary>
    public IReadOnlyList<CronNextRun> NextRuns { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A job's validated fields as create and update write them; on update null keeps a column.</summary>
public sealed record CronJobFields(
    string? Name,
    Guid? TemplateId,
    string[]? ToAddresses,
    string? ToTag,
    string? VariablesJson,
    string? FromAddress,
    bool ClearFrom,
    string? CronExpression,
    string? Timezone,
    bool? Enabled);

/// <summary>What a run did. <see cref="CronRunStatus"/> names the statuses.</summary>
public sealed record CronRun
{
    public DateTimeOffset Slot { get; init; }

    public string Status { get; init; } = string.Empty;

    /// <summary>The emails the run produced (ids in the send log).</summary>
    public IReadOnlyList<CronRunEmail> Emails { get; init; } = [];

    /// <summary>Recipients left out: unsubscribed contacts and suppressed addresses.</summary>
    public int SkippedRecipients { get; init; }

    /// <summary>On the run after downtime: how many earlier slots it stands for (each recorded as skipped).</summary>
    public int MissedSlots { get; init; }

    public string? Error { get; init; }

    public DateTimeOffset ClaimedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    [JsonIgnore]
    public Guid[] EmailIds { get; init; } = [];
}

public sealed record CronRunEmail(Guid Id, string[] To, string Status);

public static class CronRunStatus
{
    /// <summary>Claimed by an instance and not finished: running now, or interrupted and retaken by the next timer tick.</summary>
    public const string Claimed = "claimed";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
}

/// <summary>A job the timer found due, with its team (the timer works across teams).</summary>
public sealed record DueCronJob
{
    public Guid Id { get; init; }

    public Guid TeamId { get; init; }

    public string CronExpression { get; init; } = string.Empty;

    public string Timezone { get; init; } = string.Empty;

    public DateTimeOffset NextRunAt { get; init; }
}

/// <summary>What the timer runs for one claimed slot.</summary>
public sealed record CronJobToRun
{
    public Guid Id { get; init; }

    public Guid TeamId { get; init; }

    public string Name { get; init; } = string.Empty;

    public Guid TemplateId { get; init; }

    public string[]? ToAddresses { get; init; }

    public string? ToTag { get; init; }

    public string VariablesJson { get; init; } = "{}";

    public string? FromAddress { get; init; }
}

/// <summary>What the send of one slot answered, kept with its idempotency key: a retried slot gets it back.</summary>
public sealed record CronAccepted(IReadOnlyList<Guid> Ids, int SkippedRecipients);
