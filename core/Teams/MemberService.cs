using Microsoft.Extensions.Logging;
using Moosermail.Core.Audit;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;

namespace Moosermail.Core.Teams;

/// <summary>
/// A team's members. The rules: changes need team:admin; an owner changes anyone, anyone else changes plain
/// members only and only into plain members; nobody grants what they do not hold; the last owner can be
/// neither demoted nor removed; any member may leave; a personal team always keeps its user as owner.
/// </summary>
public sealed class MemberService(TeamRepository teams, TimeProvider time, ILogger<MemberService> logger)
{
    public async Task<IReadOnlyList<MemberView>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        (await teams.ListMembersAsync(caller.TeamId, cancellationToken)).Select(m => m.ToView()).ToList();

    public async Task<MemberView> ChangeAsync(Caller caller, Guid userId, ChangeMemberRequest request, CancellationToken cancellationToken)
    {
        caller.Require(Permissions.TeamAdmin);
        var errors = new ValidationErrors();
        if (request.Role is { } requested && requested is not (Roles.Owner or Roles.Admin or Roles.Member))
        {
            errors.Add("role", $"must be one of: {Roles.Owner}, {Roles.Admin}, {Roles.Member}.");
        }

        if (request.Role is null && request.Permissions is null)
        {
            errors.Add("role", "or permissions is required: send the new role, the new permission overrides, or both.");
        }

        var target = await teams.GetMemberAsync(caller.TeamId, userId, cancellationToken) ?? throw NoMember();
        var role = request.Role ?? target.Role;
        // Without new overrides the member keeps theirs, except that an owner holds everything and keeps none.
        (IReadOnlyList<string> grant, IReadOnlyList<string> revoke) = request.Permissions is not null
            ? TeamRules.ValidOverrides(request.Permissions, role, errors)
            : role == Roles.Owner ? ([], []) : (target.Granted, target.Revoked);
        errors.ThrowIfAny();

        if (caller.Role != Roles.Owner && (target.Role != Roles.Member || role != Roles.Member))
        {
            throw new ForbiddenException("Only an owner can change an admin or an owner, or make one; admins manage members.");
        }

        var before = Permissions.Effective(target.Role, target.Granted, target.Revoked);
        TeamRules.RequireHeldByGranter(caller, before, Permissions.Effective(role, grant, revoke));
        await RequireNotPersonalOwnerAsync(caller.TeamId, target, role, cancellationToken);

        var audit = AuditEntry.By(caller, AuditActions.MemberRoleChanged, "member", userId.ToString(),
            new { from_role = target.Role, to_role = role, grant, revoke }) with
        { SubjectUserId = userId };
        var outcome = await teams.UpdateMemberAsync(caller.TeamId, userId, target.Role, role, grant, revoke, audit, time.GetUtcNow(), cancellationToken);
        Explain(outcome, "demoted");
        logger.LogInformation("Member {UserId} of team {TeamId} changed from {FromRole} to {ToRole} by user {ActorUserId}", userId, caller.TeamId, target.Role, role, caller.UserId);
        return (await teams.GetMemberAsync(caller.TeamId, userId, cancellationToken) ?? throw NoMember()).ToView();
    }

    /// <summary>
    /// Removes a member (team:admin) or the caller themselves (leaving). Their mk_ keys in the team are deleted
    /// with the membership, so from the next request on their sessions cannot act in the team and their keys no longer authenticate.
    /// </summary>
    public async Task RemoveAsync(Caller caller, Guid userId, CancellationToken cancellationToken)
    {
        var leaving = userId == caller.UserId;
        if (!leaving)
        {
            caller.Require(Permissions.TeamAdmin);
        }

        var target = await teams.GetMemberAsync(caller.TeamId, userId, cancellationToken) ?? throw NoMember();
        if (!leaving && caller.Role != Roles.Owner && target.Role != Roles.Member)
        {
            throw new ForbiddenException("Only an owner can remove an admin or an owner; admins manage members.");
        }

        await RequireNotPersonalOwnerAsync(caller.TeamId, target, newRole: null, cancellationToken);
        var audit = AuditEntry.By(caller, AuditActions.MemberRemoved, "member", userId.ToString(), new { role = target.Role, left = leaving })
            with
        { SubjectUserId = userId };
        Explain(await teams.RemoveMemberAsync(caller.TeamId, userId, target.Role, audit, time.GetUtcNow(), cancellationToken), leaving ? "leave" : "removed");
        logger.LogInformation("Member {UserId} removed from team {TeamId} by user {ActorUserId}", userId, caller.TeamId, caller.UserId);
    }

    private async Task RequireNotPersonalOwnerAsync(Guid teamId, MemberRow target, string? newRole, CancellationToken cancellationToken)
    {
        if (newRole == Roles.Owner)
        {
            return;
        }

        var team = await teams.GetAsync(teamId, cancellationToken) ?? throw TeamService.NoTeam();
        if (team.PersonalOf == target.UserId)
        {
            throw new ConflictException("A personal team always keeps its user as an owner; share work through a team created with POST /api/teams.");
        }
    }

    private static void Explain(MembershipChange outcome, string verb)
    {
        switch (outcome)
        {
            case MembershipChange.Done:
                return;
            case MembershipChange.LastOwner:
                throw new ConflictException(verb == "leave"
                    ? "The last owner cannot leave; transfer the team (POST /api/teams/{teamId}/transfer) or delete it first."
                    : $"The last owner cannot be {verb}; make another member an owner first.");
            default:
                throw new ConflictException("The member changed while this request ran; read the members again and retry.");
        }
    }

    private static NotFoundException NoMember() => new("No member with this user id in this team.");
}
