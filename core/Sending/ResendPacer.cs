using Dapper;
using Moosermail.Core.Resend;
using Npgsql;

namespace Moosermail.Core.Sending;

/// <summary>
/// Keeps each sender's calls to Resend within its rate limit across all instances: every call reserves
/// the next free slot in one Postgres row (default 2 per second; learned from Resend's ratelimit headers;
/// pushed back by Resend's retry-after when it limits us). Pacing spaces real requests, so it runs on the database clock and
/// real time rather than the app's TimeProvider.
/// </summary>
public sealed class ResendPacer(NpgsqlDataSource dataSource)
{
    public const int DefaultIntervalMs = 500;

    public async Task WaitForSlotAsync(Guid senderId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var waitSeconds = await connection.ExecuteScalarAsync<double>(new CommandDefinition(
            """
            INSERT INTO resend_pacing (sender_id, next_slot_at, interval_ms)
            VALUES (@SenderId, clock_timestamp() + make_interval(secs => @DefaultMs / 1000.0), @DefaultMs)
            ON CONFLICT (sender_id) DO UPDATE
            SET next_slot_at = GREATEST(resend_pacing.next_slot_at, clock_timestamp()) + make_interval(secs => resend_pacing.interval_ms / 1000.0)
            RETURNING EXTRACT(EPOCH FROM (next_slot_at - make_interval(secs => interval_ms / 1000.0) - clock_timestamp()))::float8
            """,
            new { SenderId = senderId, DefaultMs = DefaultIntervalMs }, cancellationToken: cancellationToken));
        if (waitSeconds > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(waitSeconds), TimeProvider.System, cancellationToken);
        }
    }

    /// <summary>Adopts the limit Resend reports and honours Resend's retry-after for every instance.</summary>
    public async Task LearnAsync(Guid senderId, ResendRateLimit rateLimit, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var intervalMs = rateLimit.Limit is { } limit && limit > 0 ? (int)Math.Ceiling(1000.0 / limit) : (int?)null;
        if (intervalMs is null && retryAfter is null)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE resend_pacing
            SET interval_ms = COALESCE(@IntervalMs, interval_ms),
                next_slot_at = GREATEST(next_slot_at, clock_timestamp() + make_interval(secs => COALESCE(@RetryAfterSeconds, 0)))
            WHERE sender_id = @SenderId
            """,
            new { SenderId = senderId, IntervalMs = intervalMs, RetryAfterSeconds = retryAfter?.TotalSeconds }, cancellationToken: cancellationToken));
    }
}
