using Dapper;
using Npgsql;

namespace Moosermail.Core.RateLimiting;

/// <summary>The outcome of one request against its bucket, with what the RateLimit-* headers report.</summary>
public sealed record RateLimitDecision(bool Allowed, int Limit, int Remaining, TimeSpan Reset, TimeSpan RetryAfter);

/// <summary>
/// Token buckets in Postgres, shared by every instance (GCRA: one timestamp per key, one atomic statement
/// per request). A refused request takes no token, so a client that keeps hammering is let in again as
/// soon as a token comes back. Runs on the app's TimeProvider so tests can move time.
/// </summary>
public sealed class RateLimitStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    public async Task<RateLimitDecision> AcquireAsync(string key, RateLimitPolicy policy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var interval = policy.Interval;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // SET sees the old row everywhere, so both assignments decide on the same tat.
        var row = await connection.QuerySingleAsync<BucketRow>(new CommandDefinition(
            """
            INSERT INTO rate_limits AS r (key, tat, last_allowed)
            VALUES (@Key, @Now + make_interval(secs => @IntervalSeconds), TRUE)
            ON CONFLICT (key) DO UPDATE
            SET last_allowed = GREATEST(r.tat, @Now) + make_interval(secs => @IntervalSeconds) <= @Now + make_interval(secs => @IntervalSeconds * @Capacity),
                tat = CASE
                    WHEN GREATEST(r.tat, @Now) + make_interval(secs => @IntervalSeconds) <= @Now + make_interval(secs => @IntervalSeconds * @Capacity)
                    THEN GREATEST(r.tat, @Now) + make_interval(secs => @IntervalSeconds)
                    ELSE r.tat
                END
            RETURNING last_allowed AS Allowed, tat AS Tat
            """,
            new { Key = key, Now = now, IntervalSeconds = interval.TotalSeconds, policy.Capacity },
            cancellationToken: cancellationToken));

        var untilFull = new DateTimeOffset(DateTime.SpecifyKind(row.Tat, DateTimeKind.Utc)) - now;
        var remaining = (int)Math.Clamp(Math.Floor((policy.Capacity * interval - untilFull) / interval), 0, policy.Capacity);
        var retryAfter = row.Allowed ? TimeSpan.Zero : untilFull - ((policy.Capacity - 1) * interval);
        return new RateLimitDecision(row.Allowed, policy.Capacity, remaining, untilFull, retryAfter);
    }

    /// <summary>Deletes full buckets (their tat has passed): the same as no row. Idempotent.</summary>
    public static Task<int> DeleteFullAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM rate_limits
            WHERE tat < @Now
            """,
            new { Now = now },
            cancellationToken: cancellationToken));

    private sealed class BucketRow
    {
        public bool Allowed { get; init; }

        public DateTime Tat { get; init; }
    }
}
