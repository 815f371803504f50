using Dapper;
using Moosermail.Core.Audit;
using Moosermail.Core.OperatorMail;
using Npgsql;

namespace Moosermail.Core.Accounts;

/// <summary>
/// SQL for password resets, email verification and the account's own audit events. Users are not tenant
/// rows: they are found by email or by the hash of a token mailed to them.
/// </summary>
public sealed class AccountRecoveryRepository(NpgsqlDataSource dataSource)
{
    /// <summary>At most this many reset links an hour per account, so the form cannot flood someone's inbox.</summary>
    public const int MaxResetLinksPerHour = 5;

    /// <summary>
    /// One statement on both paths: when an account has <paramref name="email"/> (and has had fewer than
    /// <see cref="MaxResetLinksPerHour"/> links in the last hour), stores the token, queues the mail and
    /// records the request; otherwise changes nothing. Returns whether the mail was queued.
    /// </summary>
    public async Task<bool> RequestPasswordResetAsync(string email, byte[] tokenHash, QueuedOperatorMail mail, string? clientAddress, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var queued = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            WITH target AS (
                SELECT u.id, u.email
                FROM users u
                WHERE lower(u.email) = lower(@Email)
                  AND (SELECT count(*)
                       FROM account_tokens t
                       WHERE t.user_id = u.id
                         AND t.purpose = 'password_reset'
                         AND t.created_at > @Now - interval '1 hour') < @MaxPerHour
            ), token AS (
                INSERT INTO account_tokens (token_hash, user_id, purpose, email, expires_at, created_at)
                SELECT @TokenHash, id, 'password_reset', email, @ExpiresAt, @Now
                FROM target
            ), audit AS (
                INSERT INTO audit_events (id, subject_user_id, action, client_address, created_at)
                SELECT @AuditId, id, @Action, @ClientAddress, @Now
                FROM target
            ), mail AS (
                INSERT INTO operator_mail (id, kind, to_address, payload, status, next_attempt_at, created_at, updated_at)
                SELECT @MailId, @Kind, email, @Payload, 'queued', @Now, @Now, @Now
                FROM target
                RETURNING id
            )
            SELECT count(*)
            FROM mail
            """,
            new
            {
                Email = email,
                TokenHash = tokenHash,
                ExpiresAt = now + AccountTokens.PasswordResetLifetime,
                Now = now,
                AuditId = Guid.CreateVersion7(now),
                Action = AccountAuditActions.PasswordResetRequested,
                ClientAddress = clientAddress,
                MaxPerHour = MaxResetLinksPerHour,
                MailId = mail.Id,
                mail.Kind,
                mail.Payload,
            },
            cancellationToken: cancellationToken));
        return queued == 1;
    }

    /// <summary>
    /// Uses a reset token (deleting it, so it works once) and, when it was valid, in the same transaction:
    /// sets the password, bumps the token version (every session dies), deletes every mk_ key the user
    /// created, drops their other reset tokens, marks the address verified (the mail reached it) and
    /// records <c>password.reset</c>. Returns false for a wrong, used or expired token.
    /// </summary>
    public async Task<bool> ResetPasswordAsync(byte[] tokenHash, string passwordHash, string? clientAddress, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var userId = await UseTokenAsync(connection, transaction, tokenHash, AccountTokens.PasswordReset, now, cancellationToken);
        if (userId is not { } user)
        {
            await transaction.CommitAsync(cancellationToken);
            return false;
        }

        var revokedKeys = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            WITH updated AS (
                UPDATE users
                SET password_hash = @PasswordHash,
                    token_version = token_version + 1,
                    email_verified_at = COALESCE(email_verified_at, @Now)
                WHERE id = @UserId
            ), tokens AS (
                DELETE FROM account_tokens
                WHERE user_id = @UserId
                  AND purpose = 'password_reset'
            ), keys AS (
                DELETE FROM api_keys
                WHERE created_by = @UserId
                RETURNING id
            )
            SELECT count(*)
            FROM keys
            """,
            new { UserId = user, PasswordHash = passwordHash, Now = now }, transaction, cancellationToken: cancellationToken));
        await AuditLog.AppendAsync(connection, transaction,
            new AuditEntry(AccountAuditActions.PasswordReset, ActorUserId: user, SubjectUserId: user, ClientAddress: clientAddress, Details: new { ApiKeysRevoked = revokedKeys }),
            now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Stores a verification token for the account's current address and queues its mail, together.</summary>
    public async Task IssueVerificationAsync(Guid userId, string email, byte[] tokenHash, QueuedOperatorMail mail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO account_tokens (token_hash, user_id, purpose, email, expires_at, created_at)
            VALUES (@TokenHash, @UserId, 'email_verification', @Email, @ExpiresAt, @Now)
            """,
            new { TokenHash = tokenHash, UserId = userId, Email = email, ExpiresAt = now + AccountTokens.VerificationLifetime, Now = now },
            transaction, cancellationToken: cancellationToken));
        await OperatorMailRepository.EnqueueAsync(connection, transaction, mail, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Uses a verification token and marks the account verified when it still has the address the token
    /// was mailed to. Returns false for a wrong, used or expired token.
    /// </summary>
    public async Task<bool> VerifyEmailAsync(byte[] tokenHash, string? clientAddress, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var token = await connection.QuerySingleOrDefaultAsync<(Guid UserId, string Email, bool Valid)>(new CommandDefinition(
            """
            DELETE FROM account_tokens
            WHERE token_hash = @TokenHash
              AND purpose = 'email_verification'
            RETURNING user_id, email, expires_at > @Now AS valid
            """,
            new { TokenHash = tokenHash, Now = now }, transaction, cancellationToken: cancellationToken));
        var verified = token.Valid && await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE users
            SET email_verified_at = COALESCE(email_verified_at, @Now)
            WHERE id = @UserId
              AND lower(email) = lower(@Email)
            """,
            new { token.UserId, token.Email, Now = now }, transaction, cancellationToken: cancellationToken)) == 1;
        if (verified)
        {
            await AuditLog.AppendAsync(connection, transaction,
                new AuditEntry(AccountAuditActions.EmailVerified, ActorUserId: token.UserId, SubjectUserId: token.UserId, ClientAddress: clientAddress),
                now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return verified;
    }

    /// <summary>Removes expired tokens and operator mail rows older than <paramref name="keepMail"/> that are done with.</summary>
    public async Task<int> CleanupAsync(DateTimeOffset now, TimeSpan keepMail, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM account_tokens
            WHERE expires_at < @Now;
            DELETE FROM operator_mail
            WHERE status IN ('sent', 'failed')
              AND created_at < @MailCutoff;
            """,
            new { Now = now, MailCutoff = now - keepMail }, cancellationToken: cancellationToken));
    }

    /// <summary>An account event on its own (a login), outside any other change.</summary>
    public async Task AppendAuditAsync(AuditEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await AuditLog.AppendAsync(connection, null, entry, now, cancellationToken);
    }

    /// <summary>The events about <paramref name="userId"/>'s account, newest first, after the cursor position.</summary>
    public async Task<IReadOnlyList<AccountAuditEvent>> ListAuditAsync(Guid userId, (DateTimeOffset CreatedAt, Guid Id)? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            """
            SELECT id, action, client_address, team_id, actor_api_key_id, target_type, target_id, created_at
            FROM audit_events
            WHERE subject_user_id = @UserId
              AND (@AfterAt::timestamptz IS NULL OR (created_at, id) < (@AfterAt, @AfterId))
            ORDER BY created_at DESC, id DESC
            LIMIT @Limit
            """,
            new { UserId = userId, AfterAt = after?.CreatedAt, AfterId = after?.Id ?? Guid.Empty, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new AccountAuditEvent(r.Id, r.Action, r.ClientAddress, r.TeamId, r.ActorApiKeyId, r.TargetType, r.TargetId, r.CreatedAt)).ToList();
    }

    private static async Task<Guid?> UseTokenAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] tokenHash, string purpose, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = await connection.QuerySingleOrDefaultAsync<(Guid UserId, bool Valid)>(new CommandDefinition(
            """
            DELETE FROM account_tokens
            WHERE token_hash = @TokenHash
              AND purpose = @Purpose
            RETURNING user_id, expires_at > @Now AS valid
            """,
            new { TokenHash = tokenHash, Purpose = purpose, Now = now }, transaction, cancellationToken: cancellationToken));
        return token.Valid ? token.UserId : null;
    }

    // Settable members: Dapper's constructor matching cannot convert nullable uuid/timestamptz columns.
    private sealed record AuditRow
    {
        public Guid Id { get; init; }

        public string Action { get; init; } = string.Empty;

        public string? ClientAddress { get; init; }

        public Guid? TeamId { get; init; }

        public Guid? ActorApiKeyId { get; init; }

        public string? TargetType { get; init; }

        public string? TargetId { get; init; }

        public DateTimeOffset CreatedAt { get; init; }
    }
}
