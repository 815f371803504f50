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
    private const string NoSuchTeam = "No team with this id among yours.";
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
                   m.team_id, m.role, m.granted, m.revoked AS revoked_permissions
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

        return new Caller(claims.UserId, row.Email, memberOf, row.Role, Permissions.Effective(row.Role, row.Granted, row.RevokedPermissions),
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

        // One round trip: the key, its creator, the creator's membership now, and last_used_at moved forward when
        // it is a minute old, for a key that is usable in the team asked for. Nothing is cached, so a revoked key, a
        // removed member or a changed role counts at the very next request.
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
            """
            WITH k AS (
                SELECT k.id, k.team_id, k.created_by, k.permissions, k.expires_at, k.last_used_at, u.email, m.role, m.granted, m.revoked
                FROM api_keys k
                JOIN users u ON u.id = k.created_by
                LEFT JOIN team_members m ON m.team_id = k.team_id AND m.user_id = k.created_by
                WHERE k.key_hash = @KeyHash
            ),
            touched AS (
                UPDATE api_keys a
                SET last_used_at = @Now
                FROM k
                WHERE a.id = k.id
                  AND (k.last_used_at IS NULL OR k.last_used_at <= @UsedBefore)
                  AND (k.expires_at IS NULL OR k.expires_at > @Now)
                  AND k.role IS NOT NULL
                  AND (CAST(@TeamId AS uuid) IS NULL OR k.team_id = @TeamId)
            )
            SELECT * FROM k
            """,
            new { KeyHash = ApiKeyFormat.Hash(key), Now = now, UsedBefore = now - s_lastUsedResolution, TeamId = teamId }, cancellationToken: cancellationToken));
        if (row is null || row.ExpiresAt <= now)
        {
            throw new NotAuthenticatedException(InvalidCredential);
        }

        if (row.Role is null || (teamId is not null && teamId != row.TeamId))
        {
            throw new ForbiddenException("This API key acts only in its own team, and only while its creator is a member of it.");
        }

        var allowed = Permissions.Effective(row.Role, row.Granted, row.Revoked);
        return new Caller(row.CreatedBy, row.Email, row.TeamId, row.Role, row.Permissions.Where(allowed.Contains).ToHashSet(StringComparer.Ordinal),
            CredentialKind.ApiKey, row.Id, row.ExpiresAt);
    }

    /// <summary>
    /// The same credential acting in the team a route names (team routes take the team from the path, not the
    /// X-Moosermail-Team header). A team the caller is not a member of, or any team but an mk_ key's own, is
    /// "not found", exactly like another team's resource. The membership is read now, so a removal counts at once.
    /// </summary>
    /// <exception cref="NotFoundException">The caller cannot act in <paramref name="teamId"/>.</exception>
    public async Task<Caller> InTeamAsync(Caller caller, Guid teamId, CancellationToken cancellationToken)
    {
        if (caller.TeamId == teamId)
        {
            return caller;
        }

        if (caller.Credential == CredentialKind.ApiKey)
        {
            throw new NotFoundException(NoSuchTeam);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<MembershipRow>(new CommandDefinition(
            """
            SELECT role, granted, revoked
            FROM team_members
            WHERE team_id = @TeamId
              AND user_id = @UserId
            """,
            new { TeamId = teamId, caller.UserId }, cancellationToken: cancellationToken))
            ?? throw new NotFoundException(NoSuchTeam);
        return caller with { TeamId = teamId, Role = row.Role, Permissions = Permissions.Effective(row.Role, row.Granted, row.Revoked) };
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

        public string[]? Granted { get; init; }

        public string[]? Revoked { get; init; }
    }

    private sealed record SessionRow
    {
        public string Email { get; init; } = string.Empty;

        public int TokenVersion { get; init; }

        public bool Revoked { get; init; }

        public Guid? TeamId { get; init; }

        public string? Role { get; init; }

        public string[]? Granted { get; init; }

        // Named apart from Revoked (the token deny-list flag): the member's revoked permissions.
        public string[]? RevokedPermissions { get; init; }
    }

    private sealed record MembershipRow
    {
        public string Role { get; init; } = string.Empty;

        public string[] Granted { get; init; } = [];

        public string[] Revoked { get; init; } = [];
    }
}
