using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Accounts;

/// <summary>
/// Signup, login and the account's own settings. Signup never tells whether an email exists, and every
/// path that checks a password costs one bcrypt whether or not the account exists.
/// </summary>
public sealed class AccountService(AccountRepository accounts, SessionTokens sessionTokens, LoginThrottle throttle, ILogger<AccountService> logger)
{
    private const string InvalidLogin = "Invalid email or password.";

    public async Task SignupAsync(Credentials request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var email = ValidEmail(request.Email, errors);
        PasswordHasher.Validate(request.Password, "password", errors);
        errors.ThrowIfAny();

        // Hash first on both paths, so a duplicate costs what a new account costs.
        var hash = PasswordHasher.Hash(request.Password!);
        var created = await accounts.TryCreateAsync(Guid.NewGuid(), email!, hash, Guid.NewGuid(), cancellationToken);
        logger.LogInformation("Signup handled (new account: {Created})", created);
    }

    public async Task<IssuedToken> LoginAsync(Credentials request, CancellationToken cancellationToken)
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
        var failedBefore = await throttle.CheckAsync(request.Email!, cancellationToken);
        var user = await accounts.FindByEmailAsync(request.Email!.Trim(), cancellationToken);
        if (!PasswordHasher.Verify(request.Password!, user?.PasswordHash) || user is null)
        {
            await throttle.RecordFailureAsync(request.Email!, cancellationToken);
            throw new NotAuthenticatedException(InvalidLogin);
        }

        if (failedBefore)
        {
            await throttle.ClearAsync(request.Email!, cancellationToken);
        }

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
        return new AccountSummary(user.Id, user.Email, user.CreatedAt,
            teams.Select(t => new TeamMembership(t.Id, t.Name, t.Role, t.Personal, Permissions.ForRole(t.Role))).ToList(),
            caller.TeamId);
    }

    public async Task<PasswordChanged> ChangePasswordAsync(Caller caller, ChangePasswordRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(request.CurrentPassword))
        {
            errors.Add("current_password", "is required.");
        }

        PasswordHasher.Validate(request.NewPassword, "new_password", errors);
        errors.ThrowIfAny();
        await RequirePasswordAsync(caller, request.CurrentPassword!, "current_password", cancellationToken);
        var revoked = await accounts.ChangePasswordAsync(caller.UserId, PasswordHasher.Hash(request.NewPassword!), request.RevokeApiKeys == true, cancellationToken);
        logger.LogInformation("Password changed for {UserId}; {ApiKeysRevoked} API keys revoked", caller.UserId, revoked);
        return new PasswordChanged(revoked);
    }

    public async Task DeleteAccountAsync(Caller caller, DeleteAccountRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Password))
        {
            throw new ValidationFailedException("password", "is required to delete the account.");
        }

        await RequirePasswordAsync(caller, request.Password, "password", cancellationToken);
        await accounts.DeleteAsync(caller.UserId, cancellationToken);
        logger.LogInformation("Account {UserId} deleted", caller.UserId);
    }

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
