namespace Moosermail.Core.Accounts;

public sealed record PasswordResetRequest(string? Email);

public sealed record PasswordResetConfirmation(string? Token, string? NewPassword);

public sealed record EmailVerificationRequest(string? Token);

/// <summary>One event of the caller's own account, as GET /api/auth/audit shows it.</summary>
public sealed record AccountAuditEvent(Guid Id, string Action, string? ClientAddress, Guid? TeamId, Guid? ActorApiKeyId, string? TargetType, string? TargetId, DateTimeOffset CreatedAt);

public sealed record AccountAuditPage(IReadOnlyList<AccountAuditEvent> Data, string? NextCursor);

public static class AccountAuditActions
{
    public const string LoginSucceeded = "login.succeeded";
    public const string LoginFailed = "login.failed";
    public const string PasswordChanged = "password.changed";
    public const string PasswordResetRequested = "password.reset_requested";
    public const string PasswordReset = "password.reset";
    public const string EmailVerified = "email.verified";
    public const string AccountDeleted = "account.deleted";
}
