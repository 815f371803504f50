using System.Buffers.Text;
using System.Text;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Configuration;
using Moosermail.Core.Errors;
using Moosermail.Core.OperatorMail;
using Moosermail.Core.Security;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Accounts;

/// <summary>
/// Password reset and email verification by a single-use token mailed through operator mail, and the
/// account's own audit trail. A reset request never tells whether the address has an account: both
/// paths do the same work (compose, encrypt, one statement) and give the same answer.
/// </summary>
public sealed class AccountRecoveryService(
    AccountRecoveryRepository repository,
    OperatorMailer mailer,
    MoosermailSettings settings,
    TimeProvider time,
    ILogger<AccountRecoveryService> logger)
{
    private const int DefaultAuditPageSize = 50;
    private const int MaxAuditPageSize = 100;

    /// <exception cref="NotConfiguredException">Operator mail is off, so no reset mail can be sent.</exception>
    public async Task RequestPasswordResetAsync(PasswordResetRequest request, string? clientAddress, CancellationToken cancellationToken)
    {
        mailer.RequireConfigured();
        var email = EmailAddressRules.Normalize(request.Email)
            ?? throw new ValidationFailedException("email", string.IsNullOrWhiteSpace(request.Email) ? "is required." : "is not a valid email address.");
        var (token, hash) = AccountTokens.New();
        var mail = mailer.Compose("password_reset", email, "Reset your Moosermail password",
            $$"""
            Someone (hopefully you) asked to reset the password of the Moosermail account for {{email}}.

            Choose a new password within 1 hour with this link:
            {{Link("app/reset-password", token)}}

            or with the API:
            curl -X POST {{Api("auth/password-reset/confirm")}} -H 'Content-Type: application/json' -d '{"token":"{{token}}","new_password":"..."}'

            Resetting signs you out everywhere and revokes every API key you created.
            If you did not ask for this, ignore this mail: your password stays as it is.
            """);
        await repository.RequestPasswordResetAsync(email, hash, mail, clientAddress, time.GetUtcNow(), cancellationToken);

        // On both paths: a no-op when nothing was queued, and never awaited, so the answer takes as long either way.
        mailer.SendSoon(mail.Id);
    }

    /// <exception cref="ValidationFailedException">The token is wrong, used or expired, or the new password is unacceptable.</exception>
    public async Task ConfirmPasswordResetAsync(PasswordResetConfirmation request, string? clientAddress, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(request.Token))
        {
            errors.Add("token", "is required.");
        }

        PasswordHasher.Validate(request.NewPassword, "new_password", errors);
        errors.ThrowIfAny();
        var hash = PasswordHasher.Hash(request.NewPassword!);
        if (AccountTokens.HashOfPresented(request.Token) is not { } tokenHash
            || !await repository.ResetPasswordAsync(tokenHash, hash, clientAddress, time.GetUtcNow(), cancellationToken))
        {
            throw new ValidationFailedException("token", "is wrong, already used or expired; ask for a new link with POST /api/auth/password-reset.");
        }

        logger.LogInformation("Password reset completed");
    }

    /// <summary>Mails a verification link to the account's address; does nothing when operator mail is off.</summary>
    public async Task SendVerificationAsync(Guid userId, string email, CancellationToken cancellationToken)
    {
        if (!mailer.IsConfigured)
        {
            return;
        }

        var (token, hash) = AccountTokens.New();
        var mail = mailer.Compose("email_verification", email, "Confirm your email address for Moosermail",
            $$"""
            Confirm that {{email}} is your address on Moosermail with this link (valid for 7 days):
            {{Link("app/verify-email", token)}}

            or with the API:
            curl -X POST {{Api("auth/verify")}} -H 'Content-Type: application/json' -d '{"token":"{{token}}"}'

            Until you do, you can use your account but cannot accept invitations to teams.
            If you did not sign up, ignore this mail.
            """);
        await repository.IssueVerificationAsync(userId, email, hash, mail, time.GetUtcNow(), cancellationToken);
        mailer.SendSoon(mail.Id);
    }

    /// <exception cref="NotConfiguredException">Operator mail is off.</exception>
    public Task RequestVerificationAsync(Caller caller, CancellationToken cancellationToken)
    {
        mailer.RequireConfigured();
        return SendVerificationAsync(caller.UserId, caller.Email, cancellationToken);
    }

    /// <exception cref="ValidationFailedException">The token is wrong, used or expired.</exception>
    public async Task VerifyEmailAsync(EmailVerificationRequest request, string? clientAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Token))
        {
            throw new ValidationFailedException("token", "is required.");
        }

        if (AccountTokens.HashOfPresented(request.Token) is not { } tokenHash
            || !await repository.VerifyEmailAsync(tokenHash, clientAddress, time.GetUtcNow(), cancellationToken))
        {
            throw new ValidationFailedException("token", "is wrong, already used or expired; ask for a new link with POST /api/auth/verify/request.");
        }
    }

    /// <summary>Hygiene for the cleanup timer: expired tokens, and operator mail rows kept 30 days for inspection.</summary>
    public Task<int> CleanupAsync(CancellationToken cancellationToken) =>
        repository.CleanupAsync(time.GetUtcNow(), TimeSpan.FromDays(30), cancellationToken);

    /// <summary>The caller's own account events, newest first. Only events whose subject is the caller are shown.</summary>
    public async Task<AccountAuditPage> ListAuditAsync(Caller caller, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (limit is < 1 or > MaxAuditPageSize)
        {
            errors.Add("limit", $"must be between 1 and {MaxAuditPageSize}.");
        }

        var after = cursor is null ? null : DecodeCursor(cursor, errors);
        errors.ThrowIfAny();
        var size = limit ?? DefaultAuditPageSize;
        var rows = await repository.ListAuditAsync(caller.UserId, after, size, cancellationToken);
        return new AccountAuditPage(rows, rows.Count == size ? EncodeCursor(rows[^1]) : null);
    }

    private string Link(string page, string token) => $"{settings.PublicUrl.ToString().TrimEnd('/')}/{page}#token={token}";

    private string Api(string route) => $"{settings.PublicUrl.ToString().TrimEnd('/')}/api/{route}";

    private static string EncodeCursor(AccountAuditEvent last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{last.CreatedAt.UtcTicks}:{last.Id:N}"));

    private static (DateTimeOffset, Guid)? DecodeCursor(string cursor, ValidationErrors errors)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], out var ticks) && ticks > 0 && ticks < DateTimeOffset.MaxValue.UtcTicks && Guid.TryParseExact(parts[1], "N", out var id))
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
            }
        }
        catch (FormatException)
        {
        }

        errors.Add("cursor", "is not a cursor from a previous page; omit it to start from the newest event.");
        return null;
    }
}
