using Dapper;
using Moosermail.Core.Errors;
using Npgsql;

namespace Moosermail.Core.Security;

/// <summary>
/// Turns a presented credential into a <see cref="Caller"/>, reading the user, the revocation state and
/// the team membership from the database on every request.
/// </summary>
public sealed class CallerResolver(NpgsqlDataSource dataSource, SessionTokens sessionTokens)
{
    private const string ApiKeyPrefix = "mk_";
    private const string InvalidCredential = "The credential is missing, invalid, expired or revoked; log in again or use a valid API key.";

    /// <summary>A bearer credential: an mk_ API key or a session JWT.</summary>
    public Task<Caller> ResolveAsync(string bearer, Guid? teamId, CancellationToken cancellationToken) =>
        bearer.StartsWith(ApiKeyPrefix, StringComparison.Ordinal)
            ? throw ApiProblemException.Unauthorized(InvalidCredential)
            : ResolveSessionAsync(bearer, teamId, cancellationToken);

    /// <exception cref="ApiProblemException">401 for a bad credential, 403 when the caller is not a member of the chosen team.</exception>
    public async Task<Caller> ResolveSessionAsync(string token, Guid? teamId, CancellationToken cancellationToken)
    {
        var claims = await sessionTokens.ValidateAsync(token) ?? throw ApiProblemException.Unauthorized(InvalidCredential);
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
            throw ApiProblemException.Unauthorized(InvalidCredential);
        }

        if (row.TeamId is not { } memberOf || row.Role is null)
        {
            throw ApiProblemException.Forbidden(teamId is null
                ? "You have no personal team; choose a team with the X-Moosermail-Team header."
                : "You are not a member of the team named in X-Moosermail-Team.");
        }

        return new Caller(claims.UserId, row.Email, memberOf, row.Role, Permissions.ForRole(row.Role).ToHashSet(),
            CredentialKind.Session, claims.TokenId, claims.ExpiresAt);
    }

    private sealed record SessionRow(string Email, int TokenVersion, bool Revoked, Guid? TeamId, string? Role);
}
