using Dapper;
using Moosermail.Core.Audit;
using Npgsql;

namespace Moosermail.Core.Accounts;

public sealed record UserRow(Guid Id, string Email, string PasswordHash, int TokenVersion, DateTimeOffset CreatedAt);

/// <summary>SQL for users and their personal teams. Users are not tenant rows: they are read by id or email.</summary>
public sealed class AccountRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Creates the user, a personal team and the owner membership in one transaction; false when the email is taken.</summary>
    public async Task<bool> TryCreateAsync(Guid userId, string email, string passwordHash, Guid teamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO users (id, email, password_hash)
            VALUES (@UserId, @Email, @PasswordHash)
            ON CONFLICT ((lower(email))) DO NOTHING
            """,
            new { UserId = userId, Email = email, PasswordHash = passwordHash }, transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO teams (id, name, personal_of)
            VALUES (@TeamId, @Name, @UserId);
            INSERT INTO team_members (team_id, user_id, role)
            VALUES (@TeamId, @UserId, 'owner');
            """,
            new { TeamId = teamId, Name = email, UserId = userId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<UserRow?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            """
            SELECT id, email, password_hash, token_version, created_at
            FROM users
            WHERE lower(email) = lower(@Email)
            """,
            new { Email = email }, cancellationToken: cancellationToken));
    }

    public async Task<UserRow?> GetAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            """
            SELECT id, email, password_hash, token_version, created_at
            FROM users
            WHERE id = @UserId
            """,
            new { UserId = userId }, cancellationToken: cancellationToken));
    }

    /// <summary>Whether a pending (not accepted, revoked or expired) invitation names this address: MOOSERMAIL_SIGNUP=invite.</summary>
    public async Task<bool> HasPendingInvitationAsync(string email, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            SELECT EXISTS (
                SELECT 1
                FROM team_invitations
                WHERE lower(email) = lower(@Email)
                  AND accepted_at IS NULL
                  AND revoked_at IS NULL
                  AND expires_at > @Now)
            """,
            new { Email = email, Now = now }, cancellationToken: cancellationToken));
    }

    /// <summary>Whether the user proved the account's address is theirs (a verification link or a password reset).</summary>
    public async Task<bool> IsEmailVerifiedAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            SELECT EXISTS (SELECT 1 FROM users WHERE id = @UserId AND email_verified_at IS NOT NULL)
            """,
            new { UserId = userId }, cancellationToken: cancellationToken));
    }

    /// <summary>The user's memberships with their per-member overrides (granted, revoked), personal team first.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name, string Role, bool Personal, string[] Granted, string[] Revoked)>> ListTeamsAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid, string, string, bool, string[], string[])>(new CommandDefinition(
            """
            SELECT t.id, t.name, m.role, t.personal_of IS NOT NULL AND t.personal_of = m.user_id AS personal, m.granted, m.revoked
            FROM team_members m
            JOIN teams t ON t.id = m.team_id
            WHERE m.user_id = @UserId
            ORDER BY personal DESC, t.created_at
            """,
            new { UserId = userId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Stores the new hash and bumps the token version, so every token issued before stops working.</summary>
    public async Task<int> ChangePasswordAsync(Guid userId, string passwordHash, bool revokeApiKeys, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One statement: the password, the token version and (when asked) every mk_ key the user created, together.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var revoked = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            WITH updated AS (
                UPDATE users
                SET password_hash = @PasswordHash, token_version = token_version + 1
                WHERE id = @UserId
            ), keys AS (
                DELETE FROM api_keys
                WHERE created_by = @UserId
                  AND @RevokeApiKeys
                RETURNING id
            )
            SELECT count(*)
            FROM keys
            """,
            new { UserId = userId, PasswordHash = passwordHash, RevokeApiKeys = revokeApiKeys }, transaction, cancellationToken: cancellationToken));
        await AuditLog.AppendAsync(connection, transaction, audit with { Details = new { ApiKeysRevoked = revoked } }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return revoked;
    }

    public async Task RevokeTokenAsync(Guid tokenId, Guid userId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO revoked_tokens (jti, user_id, expires_at)
            VALUES (@TokenId, @UserId, @ExpiresAt)
            ON CONFLICT (jti) DO NOTHING
            """,
            new { TokenId = tokenId, UserId = userId, ExpiresAt = expiresAt }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Deletes the teams the user owns with no other owner (their tenant rows go with them through
    /// ON DELETE CASCADE), then the user, in one transaction.
    /// </summary>
    public async Task DeleteAsync(Guid userId, AuditEntry audit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM teams t
            WHERE EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.user_id = @UserId AND m.role = 'owner')
              AND NOT EXISTS (SELECT 1 FROM team_members o WHERE o.team_id = t.id AND o.user_id <> @UserId AND o.role = 'owner');
            DELETE FROM users
            WHERE id = @UserId;
            """,
            new { UserId = userId }, transaction, cancellationToken: cancellationToken));
        await AuditLog.AppendAsync(connection, transaction, audit, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
