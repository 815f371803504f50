using Dapper;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Audit;
using Moosermail.Core.RateLimiting;
using Moosermail.Core.Security;
using Npgsql;

namespace Moosermail.Core.Maintenance;

public sealed record CleanupResult(int RevokedTokens, int ExpiredApiKeys, int RateLimitBuckets, int AuditEvents = 0, int Invitations = 0);

/// <summary>
/// Removes security rows that can no longer matter. Hygiene, not a guard: every check that depends on
/// expiry compares times itself. Each statement is a single idempotent DELETE, safe on many instances.
/// </summary>
public sealed class SecurityCleanupService(NpgsqlDataSource dataSource, TimeProvider time, AuditOptions auditOptions, ILogger<SecurityCleanupService> logger)
{
    /// <summary>Expired keys linger this long so a list can still say "expired" before they vanish.</summary>
    public static readonly TimeSpan ExpiredKeyGrace = TimeSpan.FromDays(1);

    /// <summary>Invitations (pending, used or revoked) are kept this long past their expiry; the audit log keeps the story.</summary>
    public static readonly TimeSpan SpentInvitationGrace = TimeSpan.FromDays(30);

    public async Task<CleanupResult> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A token is accepted until its expiry plus the clock-skew allowance, so it stays denied that long too.
        var revoked = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM revoked_tokens
            WHERE expires_at < @Cutoff
            """,
            new { Cutoff = time.GetUtcNow() - SessionTokens.ClockSkew },
            cancellationToken: cancellationToken));
        var apiKeys = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM api_keys
            WHERE expires_at < @Cutoff
            """,
            new { Cutoff = time.GetUtcNow() - ExpiredKeyGrace },
            cancellationToken: cancellationToken));
        var buckets = await RateLimitStore.DeleteFullAsync(connection, time.GetUtcNow(), cancellationToken);
        await Accounts.LoginThrottle.DeleteStaleAsync(connection, time.GetUtcNow(), cancellationToken);
        var auditEvents = await AuditRepository.DeleteOlderThanAsync(connection, time.GetUtcNow() - auditOptions.Retention, cancellationToken);
        var invitations = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM team_invitations
            WHERE expires_at < @Cutoff
            """,
            new { Cutoff = time.GetUtcNow() - SpentInvitationGrace },
            cancellationToken: cancellationToken));
        logger.LogInformation("Security cleanup removed {RevokedTokens} revoked tokens, {ApiKeys} expired API keys, {RateLimitBuckets} idle rate-limit buckets, {AuditEvents} audit events past retention and {Invitations} old invitations", revoked, apiKeys, buckets, auditEvents, invitations);
        return new CleanupResult(revoked, apiKeys, buckets, auditEvents, invitations);
    }
}
