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

    /// <summary>Refuses the attempt while the account waits out its backoff; true when failures are on record.</summary>
    /// <exception cref="RateLimitedException">The account is in its backoff.</exception>
    public async Task<bool> CheckAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<FailureRow>(new CommandDefinition(
            """
            SELECT blocked_until AS BlockedUntil
            FROM login_failures
            WHERE account_key = @Key
            """,
            new { Key = Key(email) },
            cancellationToken: cancellationToken));
        if (row is null)
        {
            return false;
        }

        var wait = row.BlockedUntil is { } until ? new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc)) - time.GetUtcNow() : TimeSpan.Zero;
        if (wait > TimeSpan.Zero)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            throw new RateLimitedException($"Too many failed logins for this account. Retry after {seconds} second{(seconds == 1 ? string.Empty : "s")}.", TimeSpan.FromSeconds(seconds))
            {
                Extensions = new Dictionary<string, object?> { ["retry_after"] = seconds },
            };
        }

        return true;
    }

    public async Task RecordFailureAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
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
            """,
            new { Key = Key(email), Now = time.GetUtcNow(), Forget = time.GetUtcNow() - Memory, FreeFailures, MaxWaitSeconds = MaxWait.TotalSeconds },
            cancellationToken: cancellationToken));
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

    private sealed class FailureRow
    {
        public DateTime? BlockedUntil { get; init; }
    }

    private static byte[] Key(string email) => SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant()));
}
