using Microsoft.Extensions.Logging;
using Moosermail.Core.Audit;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;

namespace Moosermail.Core.Teams;

/// <summary>
/// Teams as a whole: create, list, rename, delete, transfer. Every method taking a <see cref="Caller"/>
/// expects it already resolved in the team the route names (CallerResolver.InTeamAsync).
/// </summary>
public sealed class TeamService(TeamRepository teams, TimeProvider time, ILogger<TeamService> logger)
{
    /// <summary>The caller becomes the owner. Sessions only: an mk_ key acts in its own team and cannot found others.</summary>
    public async Task<TeamView> CreateAsync(Caller caller, CreateTeamRequest request, CancellationToken cancellationToken)
    {
        if (caller.Credential != CredentialKind.Session)
        {
            throw new ForbiddenException("Teams are created from a logged-in session, not with an API key.");
        }

        var errors = new ValidationErrors();
        var name = TeamRules.ValidName(request.Name, errors);
        errors.ThrowIfAny();
        var now = time.GetUtcNow();
        var teamId = Guid.NewGuid();
        var audit = AuditEntry.By(caller, AuditActions.TeamCreated, "team", teamId.ToString(), new { name }) with { TeamId = teamId };
        if (!await teams.TryCreateAsync(teamId, name, caller.UserId, TeamRules.MaxOwnedTeams, now, audit, cancellationToken))
        {
            throw new ConflictException($"An account may own at most {TeamRules.MaxOwnedTeams} teams; delete or transfer one first.");
        }

        logger.LogInformation("Team {TeamId} created by user {UserId}", teamId, caller.UserId);
        return new TeamView(teamId, name, false, Roles.Owner, Permissions.All.Order(StringComparer.Ordinal).ToList(), now);
    }

    /// <summary>The caller's teams with their role and effective permissions; an mk_ key sees only its own team.</summary>
    public async Task<IReadOnlyList<TeamView>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        var rows = await teams.ListForUserAsync(caller.UserId, caller.Credential == CredentialKind.ApiKey ? caller.TeamId : null, cancellationToken);
        return rows.Select(r => View(r.Team, r.Member.Role, Permissions.Effective(r.Member.Role, r.Member.Granted, r.Member.Revoked), caller.UserId)).ToList();
    }

    public async Task<TeamView> GetAsync(Caller caller, CancellationToken cancellationToken)
    {
        var team = await teams.GetAsync(caller.TeamId, cancellationToken) ?? throw NoTeam();
        return View(team, caller.Role, caller.Permissions, caller.UserId);
    }

    public async Task<TeamView> RenameAsync(Caller caller, RenameTeamRequest request, CancellationToken cancellationToken)
    {
        caller.Require(Permissions.TeamAdmin);
        var errors = new ValidationErrors();
        var name = TeamRules.ValidName(request.Name, errors);
        errors.ThrowIfAny();
        var now = time.GetUtcNow();
        var audit = AuditEntry.By(caller, AuditActions.TeamRenamed, "team", caller.TeamId.ToString(), new { name });
        if (!await teams.RenameAsync(caller.TeamId, name, audit, now, cancellationToken))
        {
            throw NoTeam();
        }

        return await GetAsync(caller, cancellationToken);
    }

    /// <summary>Owner only; a personal team stays as long as its user exists (deleting the account removes it).</summary>
    public async Task DeleteAsync(Caller caller, CancellationToken cancellationToken)
    {
        RequireOwner(caller, "delete the team");
        var team = await teams.GetAsync(caller.TeamId, cancellationToken) ?? throw NoTeam();
        if (team.PersonalOf is not null)
        {
            throw new ConflictException("A personal team cannot be deleted while its user exists; DELETE /api/auth/account removes it with the account.");
        }

        var audit = AuditEntry.By(caller, AuditActions.TeamDeleted, "team", team.Id.ToString(), new { name = team.Name });
        if (!await teams.DeleteSharedAsync(team.Id, audit, time.GetUtcNow(), cancellationToken))
        {
            throw NoTeam();
        }

        logger.LogInformation("Team {TeamId} deleted by user {UserId}", team.Id, caller.UserId);
    }

    /// <summary>Owner only: the new owner must be a member; the old owner becomes an admin.</summary>
    public async Task TransferAsync(Caller caller, TransferTeamRequest request, CancellationToken cancellationToken)
    {
        RequireOwner(caller, "transfer the team");
        if (request.UserId is not { } newOwner || newOwner == caller.UserId)
        {
            throw new ValidationFailedException("user_id", "must be the user id of another member of this team.");
        }

        var team = await teams.GetAsync(caller.TeamId, cancellationToken) ?? throw NoTeam();
        if (team.PersonalOf is not null)
        {
            throw new ConflictException("A personal team stays with its user and cannot be transferred; create a shared team with POST /api/teams.");
        }

        var audit = AuditEntry.By(caller, AuditActions.TeamTransferred, "team", team.Id.ToString(), new { from_user_id = caller.UserId, to_user_id = newOwner })
            with
        { SubjectUserId = newOwner };
        var outcome = await teams.TransferAsync(team.Id, caller.UserId, newOwner, audit, time.GetUtcNow(), cancellationToken);
        if (outcome != MembershipChange.Done)
        {
            throw new NotFoundException("No member with this user id in this team.");
        }

        logger.LogInformation("Team {TeamId} transferred from user {FromUserId} to user {ToUserId}", team.Id, caller.UserId, newOwner);
    }

    internal static void RequireOwner(Caller caller, string action)
    {
        if (caller.Role != Roles.Owner || !caller.Has(Permissions.TeamAdmin))
        {
            throw new ForbiddenException($"Only an owner can {action}.");
        }
    }

    internal static NotFoundException NoTeam() => new("No team with this id among yours.");

    private static TeamView View(TeamRow team, string role, IReadOnlySet<string> permissions, Guid userId) =>
        new(team.Id, team.Name, team.PersonalOf == userId, role, permissions.Order(StringComparer.Ordinal).ToList(), team.CreatedAt);
}
