using Microsoft.Extensions.Logging;
using Moosermail.Core.Audit;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Accounts;

/// <summary>
/// Signup, login and the account's own settings. Signup never tells whether an email exists, and every
/// path that checks a password costs one bcrypt whether or not the account exists.
/// </summary>
public sealed class AccountService(
    AccountRepository accounts,
    SessionTokens sessionTokens,
    LoginThrottle throttle,
    SignupSettings signup,
    AccountRecoveryService recovery,
    AccountRecoveryRepository audit,
    TimeProvider time,
    ILogger<AccountService> logger)
{
    private const string InvalidLogin = "Invalid email or password.";

    /// <summary>
    /// Creates the account unless MOOSERMAIL_SIGNUP forbids it: closed refuses outright; invite creates it only
    /// for an address with a pending invitation, and answers the same either way.
    /// </summary>
    /// <exception cref="ForbiddenException">MOOSERMAIL_SIGNUP is closed.</exception>
    public async Task SignupAsync(Credentials request, CancellationToken cancellationToken)
    {
        if (signup.Mode == SignupSettings.Closed)
        {
            throw new ForbiddenException("Signup is closed on this deployment; ask its operator for an account.");
        }

        var errors = new ValidationErrors();
        var email = ValidEmail(request.Email, errors);
        PasswordHasher.Validate(request.Password, "password", errors);
        errors.ThrowIfAny();

        // Hash first on both paths, so a duplicate costs what a new account costs.
        var hash = PasswordHasher.Hash(request.Password!);
        if (signup.Mode == SignupSettings.Invite && !await accounts.HasPendingInvitationAsync(email!, time.GetUtcNow(), cancellationToken))
        {
            // The same answer as a created account, so the form does not reveal who is invited.
            logger.LogInformation("Signup handled (not invited)");
            return;
        }

        var userId = Guid.NewGuid();
        var created = await accounts.TryCreateAsync(userId, email!, hash, Guid.NewGuid(), cancellationToken);
        if (created)
        {
            await recovery.SendVerificationAsync(userId, email!, cancellationToken);
        }

        logger.LogInformation("Signup handled (new account: {Created})", created);
    }

    public async Task<IssuedToken> LoginAsync(Credentials request, string? clientAddress, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(request.Email))
        {
            errors.Add("email", "is required.");
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors.Add("password", "is required.");
        }

        errors.ThrowIfAny();
        // Counted as a failure before the password is checked (atomically with the backoff check); a success clears it.
        await throttle.BeginAttemptAsync(request.Email!, cancellationToken);
        var user = await accounts.FindByEmailAsync(request.Email!.Trim(), cancellationToken);
        if (!PasswordHasher.Verify(request.Password!, user?.PasswordHash) || user is null)
        {
            // Recorded for the account when it exists (its owner sees the attempt); an unknown address leaves only the client address.
            await audit.AppendAuditAsync(new AuditEntry(AccountAuditActions.LoginFailed, SubjectUserId: user?.Id, ClientAddress: clientAddress), time.GetUtcNow(), cancellationToken);
            throw new NotAuthenticatedException(InvalidLogin);
        }

        await throttle.ClearAsync(request.Email!, cancellationToken);
        await audit.AppendAuditAsync(new AuditEntry(AccountAuditActions.LoginSucceeded, ActorUserId: user.Id, SubjectUserId: user.Id, ClientAddress: clientAddress), time.GetUtcNow(), cancellationToken);
        return sessionTokens.Issue(user.Id, user.TokenVersion);
    }

    public async Task LogoutAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (caller.Credential != CredentialKind.Session || caller.CredentialExpiresAt is not { } expiresAt)
        {
            throw new InvalidRequestException("Logout ends a session token. To revoke an API key, use DELETE /api/api-keys/{id}.");
        }

        await accounts.RevokeTokenAsync(caller.CredentialId, caller.UserId, expiresAt, cancellationToken);
    }

    public async Task<AccountSummary> GetMeAsync(Caller caller, CancellationToken cancellationToken)
    {
        var user = await accounts.GetAsync(caller.UserId, cancellationToken) ?? throw new NotAuthenticatedException("The account no longer exists.");
        var teams = await accounts.ListTeamsAsync(caller.UserId, cancellationToken);
        // What the caller may really do: the role's defaults with the member's overrides, and in the acting team the
        // caller's own set (an mk_ key's permissions, narrowed to its creator's), which the request was resolved with.
        IReadOnlyList<string> Held(Guid teamId, string role, string[] granted, string[] revoked) =>
            (teamId == caller.TeamId ? caller.Permissions : Permissions.Effective(role, granted, revoked)).Order(StringComparer.Ordinal).ToList();
        return new AccountSummary(user.Id, user.Email, await accounts.IsEmailVerifiedAsync(user.Id, cancellationToken), user.CreatedAt,
            teams.Select(t => new TeamMembership(t.Id, t.Name, t.Role, t.Personal, Held(t.Id, t.Role, t.Granted, t.Revoked))).ToList(),
            caller.TeamId);
    }

    public async Task<PasswordChanged> ChangePasswordAsync(Caller caller, ChangePasswordRequest request, string? clientAddress, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(request.CurrentPassword))
        {
            errors.Add("current_password", "is required.");
        }

        PasswordHasher.Validate(request.NewPassword, "new_password", errors);
        errors.ThrowIfAny();
        await RequirePasswordAsync(caller, request.CurrentPassword!, "current_password", cancellationToken);
        var revoked = await accounts.ChangePasswordAsync(caller.UserId, PasswordHasher.Hash(request.NewPassword!), request.RevokeApiKeys == true,
            AccountEvent(caller, AccountAuditActions.PasswordChanged, clientAddress), time.GetUtcNow(), cancellationToken);
        logger.LogInformation("Password changed for {UserId}; {ApiKeysRevoked} API keys revoked", caller.UserId, revoked);
        return new PasswordChanged(revoked);
    }

    public async Task DeleteAccountAsync(Caller caller, DeleteAccountRequest request, string? clientAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Password))
        {
            throw new ValidationFailedException("password", "is required to delete the account.");
        }

        await RequirePasswordAsync(caller, request.Password, "password", cancellationToken);
        await accounts.DeleteAsync(caller.UserId, AccountEvent(caller, AccountAuditActions.AccountDeleted, clientAddress), time.GetUtcNow(), cancellationToken);
        logger.LogInformation("Account {UserId} deleted", caller.UserId);
    }

    private static AuditEntry AccountEvent(Caller caller, string action, string? clientAddress) =>
        new(action,
            ActorUserId: caller.UserId,
            ActorApiKeyId: caller.Credential == CredentialKind.ApiKey ? caller.CredentialId : null,
            SubjectUserId: caller.UserId,
            ClientAddress: clientAddress);

    private async Task RequirePasswordAsync(Caller caller, string password, string field, CancellationToken cancellationToken)
    {
        var user = await accounts.GetAsync(caller.UserId, cancellationToken);
        if (!PasswordHasher.Verify(password, user?.PasswordHash))
        {
            throw new ForbiddenException($"The {field.Replace('_', ' ')} is wrong.");
        }
    }

    private static string? ValidEmail(string? value, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add("email", "is required.");
            return null;
        }

        var email = EmailAddressRules.Normalize(value);
        if (email is null)
        {
            errors.Add("email", "is not a valid email address.");
        }

        return email;
    }
}
