using Moosermail.Core.Errors;

namespace Moosermail.Core.Security;

public enum CredentialKind
{
    Session,
    ApiKey,
}

/// <summary>
/// Who a request acts as: a user, in one team, with a role and the permissions of this credential
/// (a session carries the role's; an API key carries its own subset). Read from the database on every
/// request, so a removed member or a changed role takes effect at once.
/// </summary>
public sealed record Caller(
    Guid UserId,
    string Email,
    Guid TeamId,
    string Role,
    IReadOnlySet<string> Permissions,
    CredentialKind Credential,
    Guid CredentialId,
    DateTimeOffset? CredentialExpiresAt)
{
    public bool Has(string permission) => Permissions.Contains(permission);

    /// <exception cref="ForbiddenException">Naming the missing permission.</exception>
    public void Require(string permission)
    {
        if (!Has(permission))
        {
            throw new ForbiddenException($"This credential lacks the '{permission}' permission in this team.");
        }
    }
}
