using Microsoft.Extensions.Logging;
using Moosermail.Core.Audit;
using Moosermail.Core.Configuration;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Teams;

/// <summary>
/// Invitations: created by team:admin holders (an owner may invite admins; anyone else invites members), bounded
/// by what the inviter holds, shown once, single use, 7 days. Accepting needs a session whose account email is
/// the invited one; every failure to accept is the same "not found", so a token cannot be probed.
/// </summary>
public sealed class InvitationService(
    InvitationRepository invitations,
    TeamRepository teams,
    IInvitationMailer mailer,
    IInvitationAcceptancePolicy acceptancePolicy,
    MoosermailSettings settings,
    TimeProvider time,
    ILogger<InvitationService> logger)
{
    private const string NoInvitation = "No pending invitation for your account matches this token; it may be wrong, used, revoked or expired.";

    public async Task<CreatedInvitation> CreateAsync(Caller caller, CreateInvitationRequest request, CancellationToken cancellationToken)
    {
        caller.Require(Permissions.TeamAdmin);
        var errors = new ValidationErrors();
        var email = EmailAddressRules.Normalize(request.Email);
        if (email is null)
        {
            errors.Add("email", "must be a plain email address, e.g. teammate@example.com.");
        }

        var role = request.Role ?? Roles.Member;
        if (role is not (Roles.Admin or Roles.Member))
        {
            errors.Add("role", $"must be {Roles.Member} or {Roles.Admin}; make an owner later with PATCH on the member or POST .../transfer.");
        }

        var (grant, revoke) = TeamRules.ValidOverrides(request.Permissions, role, errors);
        errors.ThrowIfAny();
        if (caller.Role != Roles.Owner && role != Roles.Member)
        {
            throw new ForbiddenException("Only an owner can invite an admin; admins invite members.");
        }

        var effective = Permissions.Effective(role, grant, revoke);
        TeamRules.RequireHeldByGranter(caller, new HashSet<string>(StringComparer.Ordinal), effective);

        var team = await teams.GetAsync(caller.TeamId, cancellationToken) ?? throw TeamService.NoTeam();
        var now = time.GetUtcNow();
        var id = Guid.NewGuid();
        var token = InvitationToken.Generate();
        var expiresAt = now + InvitationToken.Lifetime;
        var audit = AuditEntry.By(caller, AuditActions.MemberInvited, "invitation", id.ToString(), new { email, role, grant, revoke });
        switch (await invitations.TryInsertAsync(id, caller.TeamId, email!, role, grant, revoke, InvitationToken.Hash(token), caller.UserId, expiresAt, TeamRules.MaxPendingInvitations, now, audit, cancellationToken))
        {
            case InvitationInsert.AlreadyMemberOrInvited:
                throw new ConflictException("This address is already a member of the team or has a pending invitation; revoke that one to invite again.");
            case InvitationInsert.TooManyPending:
                throw new ConflictException($"The team has {TeamRules.MaxPendingInvitations} pending invitations, the most it may hold; revoke some or wait for them to be accepted or expire.");
        }

        var acceptUrl = InvitationToken.AcceptUrl(settings.PublicUrl, token);
        var emailed = await TryMailAsync(new InvitationMail(id, team.Id, team.Name, email!, role, caller.Email, acceptUrl, expiresAt), cancellationToken);
        logger.LogInformation("Invitation {InvitationId} to team {TeamId} created by user {UserId} (emailed: {Emailed})", id, caller.TeamId, caller.UserId, emailed);
        return new CreatedInvitation(id, email!, role, Sorted(effective), new PermissionOverrides(grant, revoke), expiresAt, acceptUrl, token, emailed);
    }

    public async Task<IReadOnlyList<InvitationView>> ListPendingAsync(Caller caller, CancellationToken cancellationToken)
    {
        caller.Require(Permissions.TeamAdmin);
        var rows = await invitations.ListPendingAsync(caller.TeamId, time.GetUtcNow(), cancellationToken);
        return rows.Select(r => new InvitationView(r.Id, r.Email, r.Role, Sorted(Permissions.Effective(r.Role, r.Granted, r.Revoked)),
            new PermissionOverrides(r.Granted, r.Revoked), r.InvitedBy, r.CreatedAt, r.ExpiresAt)).ToList();
    }

    public async Task RevokeAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        caller.Require(Permissions.TeamAdmin);
        var audit = AuditEntry.By(caller, AuditActions.MemberInvitationRevoked, "invitation", id.ToString());
        if (!await invitations.RevokeAsync(caller.TeamId, id, time.GetUtcNow(), audit, cancellationToken))
        {
            throw new NotFoundException("No pending invitation with this id in this team.");
        }
    }

    /// <summary>Joins the caller to the invitation's team and returns it as the caller now sees it.</summary>
    public async Task<TeamView> AcceptAsync(Caller caller, AcceptInvitationRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Token))
        {
            throw new ValidationFailedException("token", "is required: the token from the invitation (after #token= in its link).");
        }

        if (caller.Credential != CredentialKind.Session)
        {
            throw new ForbiddenException("Invitations are accepted from a logged-in session, not with an API key.");
        }

        // Checked before the token is looked at, so the answer says nothing about the token.
        if (!await acceptancePolicy.MayAcceptAsync(caller.UserId, cancellationToken))
        {
            throw new ForbiddenException("Verify your account's email address before accepting invitations: an unverified account cannot join a team as that address.");
        }

        if (!InvitationToken.IsWellFormed(request.Token))
        {
            throw new NotFoundException(NoInvitation);
        }

        var now = time.GetUtcNow();
        var (outcome, teamId) = await invitations.AcceptAsync(InvitationToken.Hash(request.Token), caller.UserId, caller.Email, now,
            (team, invitationId, role) => AuditEntry.By(caller, AuditActions.MemberJoined, "invitation", invitationId.ToString(), new { role })
                with
            { TeamId = team, ActorApiKeyId = null, SubjectUserId = caller.UserId },
            cancellationToken);
        switch (outcome)
        {
            case InvitationAcceptance.NoSuchInvitation:
                throw new NotFoundException(NoInvitation);
            case InvitationAcceptance.AlreadyMember:
                throw new ConflictException("You are already a member of this team.");
        }

        logger.LogInformation("User {UserId} joined team {TeamId} by invitation", caller.UserId, teamId);
        var joined = await teams.ListForUserAsync(caller.UserId, teamId, cancellationToken);
        var (row, member) = joined.Count == 1 ? joined[0] : throw TeamService.NoTeam();
        return new TeamView(row.Id, row.Name, false, member.Role, Sorted(Permissions.Effective(member.Role, member.Granted, member.Revoked)), row.CreatedAt);
    }

    // The invitation stands whether or not the mail goes out: the inviter also gets the link in the response.
    private async Task<bool> TryMailAsync(InvitationMail mail, CancellationToken cancellationToken)
    {
        try
        {
            return await mailer.SendAsync(mail, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Invitation {InvitationId} could not be emailed; the inviter has the link", mail.InvitationId);
            return false;
        }
    }

    private static List<string> Sorted(IReadOnlySet<string> permissions) => permissions.Order(StringComparer.Ordinal).ToList();
}
