using System.Security.Cryptography;
using System.Text;
using Dapper;
using Moosermail.Core.Errors;
using Npgsql;

namespace Moosermail.Core.Accounts;

/// <summary>
/// Failed logins per account, independent of the client address (the per-address limit is the public rate
/// limit in front of login): <see cref="FreeFailures"/> failures are free, then each further failure doubles
/// the wait before the next attempt (2 s, 4 s, 8 s ... up to <see cref="MaxWait"/>). It is keyed on the email
/// as typed, so an email without an account is throttled exactly like one with: the answer never tells
/// them apart. A success clears the count; a count idle for <see cref="Memory"/> starts again.
/// </summary>
public sealed class LoginThrottle(NpgsqlDataSource dataSource, TimeProvider time)
{
    public const int FreeFailures = 5;
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Memory = TimeSpan.FromDays(1);

    /// <summary>
    /// Starts a login attempt: refuses it while the account waits out its backoff, and otherwise counts it as a
    /// failure at once, in the same statement, before the password is checked (a success then clears the count with
    /// <see cref="ClearAsync"/>). Checking and counting in one atomic upsert means a burst of concurrent guesses gets
    /// exactly <see cref="FreeFailures"/> password checks before the backoff, never one per request in flight.
    /// </summary>
    /// <exception cref="RateLimitedException">The account is in its backoff.</exception>
    public async Task BeginAttemptAsync(string email, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The upsert's WHERE is evaluated on the row's latest version under its row lock, so concurrent attempts
        // queue on it; the outer SELECT reads the statement's snapshot: the backoff that refused this one.
        var row = await connection.QuerySingleAsync<AttemptRow>(new CommandDefinition(
            """
            WITH counted AS (
                INSERT INTO login_failures AS f (account_key, failures, blocked_until, last_failure_at)
                VALUES (@Key, 1, NULL, @Now)
                ON CONFLICT (account_key) DO UPDATE
                SET failures = CASE WHEN f.last_failure_at < @Forget THEN 1 ELSE f.failures + 1 END,
                    blocked_until = CASE
                        WHEN f.last_failure_at >= @Forget AND f.failures + 1 >= @FreeFailures
                        THEN @Now + make_interval(secs => LEAST(power(2, f.failures + 2 - @FreeFailures), @MaxWaitSeconds))
                        ELSE NULL
                    END,
                    last_failure_at = @Now
                WHERE f.blocked_until IS NULL OR f.blocked_until <= @Now
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM counted) AS Counted,
                   (SELECT blocked_until FROM login_failures WHERE account_key = @Key) AS BlockedUntil
            """,
            new { Key = Key(email), Now = now, Forget = now - Memory, FreeFailures, MaxWaitSeconds = MaxWait.TotalSeconds },
            cancellationToken: cancellationToken));
        if (row.Counted)
        {
            return;
        }

        // Another attempt may have set the backoff after this statement's snapshot: wait at least a second then.
        var wait = row.BlockedUntil is { } until ? new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc)) - now : TimeSpan.Zero;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        throw new RateLimitedException($"Too many failed logins for this account. Retry after {seconds} second{(seconds == 1 ? string.Empty : "s")}.", TimeSpan.FromSeconds(seconds))
        {
            Extensions = new Dictionary<string, object?> { ["retry_after"] = seconds },
        };
    }

    public async Task ClearAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM login_failures
            WHERE account_key = @Key
            """,
            new { Key = Key(email) },
            cancellationToken: cancellationToken));
    }

    /// <summary>Deletes counts idle for longer than <see cref="Memory"/> (they would start again anyway). Idempotent.</summary>
    public static Task<int> DeleteStaleAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM login_failures
            WHERE last_failure_at < @Forget
            AND (blocked_until IS NULL OR blocked_until < @Now)
            """,
            new { Forget = now - Memory, Now = now },
            cancellationToken: cancellationToken));

    private sealed class AttemptRow
    {
        public bool Counted { get; init; }

        public DateTime? BlockedUntil { get; init; }
    }

    private static byte[] Key(string email) => SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant()));
}
