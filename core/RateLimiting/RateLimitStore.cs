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

    /// <summary>
    /// Takes a token from <paramref name="first"/>'s bucket and, only when that was allowed, from
    /// <paramref name="second"/>'s, in ONE statement (one round trip): the credential and team buckets of an
    /// authenticated request. The second decision is null when the first refused (its bucket was not touched).
    /// </summary>
    public async Task<(RateLimitDecision First, RateLimitDecision? Second)> AcquirePairAsync(
        (string Key, RateLimitPolicy Policy) first, (string Key, RateLimitPolicy Policy) second, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The upsert of AcquireAsync twice; the second proposes its row only when the first was allowed.
        var row = await connection.QuerySingleAsync<PairRow>(new CommandDefinition(
            """
            WITH first AS (
                INSERT INTO rate_limits AS r (key, tat, last_allowed)
                VALUES (@Key1, @Now + make_interval(secs => @Interval1), TRUE)
                ON CONFLICT (key) DO UPDATE
                SET last_allowed = GREATEST(r.tat, @Now) + make_interval(secs => @Interval1) <= @Now + make_interval(secs => @Interval1 * @Capacity1),
                    tat = CASE
                        WHEN GREATEST(r.tat, @Now) + make_interval(secs => @Interval1) <= @Now + make_interval(secs => @Interval1 * @Capacity1)
                        THEN GREATEST(r.tat, @Now) + make_interval(secs => @Interval1)
                        ELSE r.tat
                    END
                RETURNING last_allowed AS allowed, tat
            ),
            second AS (
                INSERT INTO rate_limits AS r (key, tat, last_allowed)
                SELECT @Key2, @Now + make_interval(secs => @Interval2), TRUE
                WHERE (SELECT allowed FROM first)
                ON CONFLICT (key) DO UPDATE
                SET last_allowed = GREATEST(r.tat, @Now) + make_interval(secs => @Interval2) <= @Now + make_interval(secs => @Interval2 * @Capacity2),
                    tat = CASE
                        WHEN GREATEST(r.tat, @Now) + make_interval(secs => @Interval2) <= @Now + make_interval(secs => @Interval2 * @Capacity2)
                        THEN GREATEST(r.tat, @Now) + make_interval(secs => @Interval2)
                        ELSE r.tat
                    END
                RETURNING last_allowed AS allowed, tat
            )
            SELECT f.allowed AS allowed1, f.tat AS tat1, s.allowed AS allowed2, s.tat AS tat2
            FROM first f
            LEFT JOIN second s ON TRUE
            """,
            new
            {
                Key1 = first.Key,
                Interval1 = first.Policy.Interval.TotalSeconds,
                Capacity1 = first.Policy.Capacity,
                Key2 = second.Key,
                Interval2 = second.Policy.Interval.TotalSeconds,
                Capacity2 = second.Policy.Capacity,
                Now = now,
            },
            cancellationToken: cancellationToken));
        return (Decide(first.Policy, row.Allowed1, row.Tat1, now),
            row.Tat2 is { } tat2 ? Decide(second.Policy, row.Allowed2 ?? false, tat2, now) : null);
    }

    private static RateLimitDecision Decide(RateLimitPolicy policy, bool allowed, DateTime tat, DateTimeOffset now)
    {
        var interval = policy.Interval;
        var untilFull = new DateTimeOffset(DateTime.SpecifyKind(tat, DateTimeKind.Utc)) - now;
        var remaining = (int)Math.Clamp(Math.Floor((policy.Capacity * interval - untilFull) / interval), 0, policy.Capacity);
        var retryAfter = allowed ? TimeSpan.Zero : untilFull - ((policy.Capacity - 1) * interval);
        return new RateLimitDecision(allowed, policy.Capacity, remaining, untilFull, retryAfter);
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

    private sealed class PairRow
    {
        public bool Allowed1 { get; init; }

        public DateTime Tat1 { get; init; }

        public bool? Allowed2 { get; init; }

        public DateTime? Tat2 { get; init; }
    }

    private sealed class BucketRow
    {
        public bool Allowed { get; init; }

        public DateTime Tat { get; init; }
    }
}
