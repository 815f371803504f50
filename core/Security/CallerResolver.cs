using Dapper;
using Moosermail.Core.ApiKeys;
using Moosermail.Core.Errors;
using Npgsql;

namespace Moosermail.Core.Security;

/// <summary>
/// Turns a presented credential into a <see cref="Caller"/>, reading the user, the revocation state and
/// the team membership from the database on every request.
/// </summary>
public sealed class CallerResolver(NpgsqlDataSource dataSource, SessionTokens sessionTokens, TimeProvider time)
{
    private static readonly TimeSpan s_lastUsedResolution = TimeSpan.FromMinutes(1);
    private const string InvalidCredential = "The credential is missing, invalid, expired or revoked; log in again or use a valid API key.";

    /// <summary>A bearer credential: an mk_ API key or a session JWT.</summary>
    public Task<Caller> ResolveAsync(string bearer, Guid? teamId, CancellationToken cancellationToken) =>
        bearer.StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal)
            ? ResolveApiKeyAsync(bearer, teamId, cancellationToken)
            : ResolveSessionAsync(bearer, teamId, cancellationToken);

    /// <exception cref="NotAuthenticatedException">The credential is bad.</exception>
    /// <exception cref="ForbiddenException">The caller is not a member of the chosen team.</exception>
    public async Task<Caller> ResolveSessionAsync(string token, Guid? teamId, CancellationToken cancellationToken)
    {
        var claims = await sessionTokens.ValidateAsync(token) ?? throw new NotAuthenticatedException(InvalidCredential);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(
            """
            SELECT u.email, u.token_version,
                   EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = @TokenId) AS revoked,
                   m.team_id, m.role
            FROM users u
            LEFT JOIN team_members m
                ON m.user_id = u.id
                AND m.team_id = COALESCE(@TeamId, (SELECT t.id FROM teams t WHERE t.personal_of = u.id))
            WHERE u.id = @UserId
            """,
            new { claims.UserId, claims.TokenId, TeamId = teamId },
            cancellationToken: cancellationToken));
        if (row is null || row.Revoked || row.TokenVersion != claims.TokenVersion)
        {
            throw new NotAuthenticatedException(InvalidCredential);
        }

        if (row.TeamId is not { } memberOf || row.Role is null)
        {
            throw new ForbiddenException(teamId is null
                ? "You have no personal team; choose a team with the X-Moosermail-Team header."
                : "You are not a member of the team named in X-Moosermail-Team.");
        }

        return new Caller(claims.UserId, row.Email, memberOf, row.Role, Permissions.ForRole(row.Role).ToHashSet(),
            CredentialKind.Session, claims.TokenId, claims.ExpiresAt);
    }

    /// <summary>
    /// An mk_ key acts as its creator in the key's team, with the key's permissions narrowed to what the
    /// creator's role allows now. Malformed keys are refused without a query; expired keys at the first
    /// request after expires_at.
    /// </summary>
    public async Task<Caller> ResolveApiKeyAsync(string key, Guid? teamId, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.IsWellFormed(key))
        {
            throw new NotAuthenticatedException(InvalidCredential);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
            """
            SELECT k.id, k.team_id, k.created_by, k.permissions, k.expires_at, k.last_used_at, u.email, m.role
            FROM api_keys k
            JOIN users u ON u.id = k.created_by
            LEFT JOIN team_members m ON m.team_id = k.team_id AND m.user_id = k.created_by
            WHERE k.key_hash = @KeyHash
            """,
            new { KeyHash = ApiKeyFormat.Hash(key) }, cancellationToken: cancellationToken));
        var now = time.GetUtcNow();
        if (row is null || row.ExpiresAt <= now)
        {
            throw new NotAuthenticatedException(InvalidCredential);
        }

        if (row.Role is null || (teamId is not null && teamId != row.TeamId))
        {
            throw new ForbiddenException("This API key acts only in its own team, and only while its creator is a member of it.");
        }

        if (row.LastUsedAt is null || now - row.LastUsedAt >= s_lastUsedResolution)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE api_keys
                SET last_used_at = @Now
                WHERE id = @Id
                """,
                new { Now = now, row.Id }, cancellationToken: cancellationToken));
        }

        var allowed = Permissions.ForRole(row.Role);
        return new Caller(row.CreatedBy, row.Email, row.TeamId, row.Role, row.Permissions.Where(allowed.Contains).ToHashSet(StringComparer.Ordinal),
            CredentialKind.ApiKey, row.Id, row.ExpiresAt);
    }

    // Settable members: Dapper's constructor matching cannot convert text[] or timestamptz columns.
    private sealed record ApiKeyRow
    {
        public Guid Id { get; init; }

        public Guid TeamId { get; init; }

        public Guid CreatedBy { get; init; }

        public string[] Permissions { get; init; } = [];

        public DateTimeOffset? ExpiresAt { get; init; }

        public DateTimeOffset? LastUsedAt { get; init; }

        public string Email { get; init; } = string.Empty;

        public string? Role { get; init; }
    }

    private sealed record SessionRow(string Email, int TokenVersion, bool Revoked, Guid? TeamId, string? Role);
}
