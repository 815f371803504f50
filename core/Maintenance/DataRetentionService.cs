using Dapper;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Drafts;
using Moosermail.Core.OutboundWebhooks;
using Moosermail.Core.Sending;
using Npgsql;

namespace Moosermail.Core.Maintenance;

public sealed record RetentionResult(int WebhookEvents, int UnverifiedDays, int IdempotencyKeys, int TriggerFireWindows, int OutboundDeliveries = 0, int OutboundEvents = 0)
{
    /// <summary>Drafts sent more than <see cref="DraftService.SentRetention"/> ago.</summary>
    public int SentDrafts { get; init; }
}

/// <summary>
/// Deletes stored rows past their retention, across all teams (a system job: no statement is team-scoped):
/// webhook events (verified and unverified kept for different times), the unverified-event day counters,
/// Idempotency-Key answers past their 24 h, past trigger rate-limit windows, finished outbound webhook deliveries
/// (with their events) past <see cref="RetentionOptions.OutboundWebhookDeliveries"/>, and drafts sent over 30 days ago.
/// Each statement is an idempotent DELETE by age, safe on many instances; webhook events go in batches so no run holds
/// long locks.
/// </summary>
public sealed class DataRetentionService(NpgsqlDataSource dataSource, RetentionOptions options, OutboundDispatchRepository outbound, DraftRepository drafts, TimeProvider time, ILogger<DataRetentionService> logger)
{
    private const int Batch = 5000;

    /// <summary>A trigger window is only read in its own minute; an hour leaves room for clock differences.</summary>
    public static readonly TimeSpan TriggerWindowRetention = TimeSpan.FromHours(1);

    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var events = 0;
        int deleted;
        do
        {
            deleted = await connection.ExecuteAsync(new CommandDefinition(
                """
                DELETE FROM webhook_events
                WHERE id IN (
                    SELECT id
                    FROM webhook_events
                    WHERE (verified AND received_at < @VerifiedCutoff)
                       OR (NOT verified AND received_at < @UnverifiedCutoff)
                    LIMIT @Batch
                )
                """,
                new { VerifiedCutoff = now - options.VerifiedWebhookEvents, UnverifiedCutoff = now - options.UnverifiedWebhookEvents, Batch },
                cancellationToken: cancellationToken));
            events += deleted;
        }
        while (deleted == Batch);

        var days = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM webhook_unverified_days
            WHERE day < @Yesterday
            """,
            new { Yesterday = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-1) }, cancellationToken: cancellationToken));
        var keys = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM idempotency_keys
            WHERE created_at < @Cutoff
            """,
            new { Cutoff = now - IdempotencyClaim.Retention }, cancellationToken: cancellationToken));
        var windows = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM trigger_fire_windows
            WHERE window_start < @Cutoff
            """,
            new { Cutoff = now - TriggerWindowRetention }, cancellationToken: cancellationToken));
        var (deliveries, outboundEvents) = await outbound.PruneAsync(now - options.OutboundWebhookDeliveries, Batch, cancellationToken);
        var sentDrafts = await drafts.DeleteSentBeforeAsync(now - DraftService.SentRetention, cancellationToken);
        logger.LogInformation(
            "Retention removed {WebhookEvents} webhook events, {UnverifiedDays} unverified-day counters, {IdempotencyKeys} idempotency keys, {TriggerFireWindows} trigger windows, {OutboundDeliveries} outbound deliveries and {OutboundEvents} outbound events",
            events, days, keys, windows, deliveries, outboundEvents);
        logger.LogInformation("Retention removed {SentDrafts} sent drafts", sentDrafts);
        return new RetentionResult(events, days, keys, windows, deliveries, outboundEvents) { SentDrafts = sentDrafts };
    }
}
