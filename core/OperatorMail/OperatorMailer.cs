using System.Text.Json;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.Resend;
using Moosermail.Core.Secrets;
using Moosermail.Core.Sending;

namespace Moosermail.Core.OperatorMail;

/// <summary>A composed operator mail, ready to be queued: <see cref="Payload"/> is the encrypted Resend body.</summary>
public sealed record QueuedOperatorMail(Guid Id, string Kind, string To, string Payload);

/// <summary>
/// Moosermail's own mail: composed here, queued in <c>operator_mail</c> on the caller's transaction, sent
/// through the same <see cref="ResendClient"/> with the operator key (never a team's), with the row id as
/// Idempotency-Key, and retried by the timer like the team outbox.
/// </summary>
public sealed class OperatorMailer(
    OperatorMailSettings settings,
    OperatorMailRepository repository,
    ResendClient resend,
    SecretCipher cipher,
    TimeProvider time,
    ILogger<OperatorMailer> logger)
{
    public const string Purpose = "operator_mail";
    public const int MaxAttempts = 8;
    private static readonly TimeSpan s_lease = TimeSpan.FromMinutes(2);

    public bool IsConfigured => settings.IsConfigured;

    /// <exception cref="NotConfiguredException">Operator mail is not configured; the detail says how to turn it on.</exception>
    public void RequireConfigured()
    {
        if (!settings.IsConfigured)
        {
            throw new NotConfiguredException(OperatorMailSettings.HowToConfigure);
        }
    }

    /// <summary>
    /// Builds and encrypts the Resend body. Costs the same whether or not the mail is later queued, which
    /// the password reset relies on to answer an unknown address in the same time as a known one.
    /// </summary>
    public QueuedOperatorMail Compose(string kind, string to, string subject, string text)
    {
        RequireConfigured();
        var id = Guid.CreateVersion7(time.GetUtcNow());
        var body = new SendEmailRequest
        {
            From = settings.From!,
            To = [to],
            Subject = subject,
            Text = text,
            Tags = [new ResendTag("moosermail", kind)],
        };
        var json = JsonSerializer.Serialize(body, ResendJson.Options);
        return new QueuedOperatorMail(id, kind, to, cipher.Encrypt(json, Context(id)));
    }

    /// <summary>
    /// Tries to send <paramref name="mailId"/> now without making the caller wait for Resend (so an answer
    /// never reveals whether a mail was sent). Whatever this attempt leaves, the timer retries.
    /// </summary>
    public void SendSoon(Guid mailId) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await DispatchAsync(mailId, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Operator mail {MailId}: the immediate attempt failed; the timer will retry", mailId);
            }
        });

    /// <summary>Sends due mails until none is left or <paramref name="budget"/> is spent; returns how many ran.</summary>
    public async Task<int> DispatchDueAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        if (!settings.IsConfigured)
        {
            return 0;
        }

        var started = TimeProvider.System.GetTimestamp();
        var ran = 0;
        while (TimeProvider.System.GetElapsedTime(started) < budget)
        {
            var due = await repository.ClaimDueAsync(time.GetUtcNow(), s_lease, limit: 10, id: null, cancellationToken);
            if (due.Count == 0)
            {
                break;
            }

            foreach (var mail in due)
            {
                await RunAsync(mail, cancellationToken);
                ran++;
            }
        }

        return ran;
    }

    public async Task DispatchAsync(Guid mailId, CancellationToken cancellationToken)
    {
        if (!settings.IsConfigured)
        {
            return;
        }

        foreach (var mail in await repository.ClaimDueAsync(time.GetUtcNow(), s_lease, limit: 1, mailId, cancellationToken))
        {
            await RunAsync(mail, cancellationToken);
        }
    }

    private async Task RunAsync(ClaimedOperatorMail mail, CancellationToken cancellationToken)
    {
        SendEmailRequest request;
        try
        {
            request = JsonSerializer.Deserialize<SendEmailRequest>(cipher.Decrypt(mail.Payload, Context(mail.Id)), ResendJson.Options)!;
        }
        catch (SecretDecryptionException)
        {
            await repository.FailAsync(mail.Id, "The queued mail cannot be decrypted with the configured ENCRYPTION_KEY(s).", time.GetUtcNow(), cancellationToken);
            return;
        }

        var result = await resend.SendEmailAsync(settings.ResendKey!, request, mail.Id.ToString(), cancellationToken);
        var now = time.GetUtcNow();
        if (result.Value is { } sent)
        {
            await repository.CompleteAsync(mail.Id, sent.Id, now, cancellationToken);
            return;
        }

        var error = result.Error!;
        if (!error.IsTransient || mail.Attempts >= MaxAttempts)
        {
            logger.LogWarning("Operator mail {MailId} failed: {ErrorName} {Error}", mail.Id, error.Name, error.Message);
            await repository.FailAsync(mail.Id, error.Message, now, cancellationToken);
            return;
        }

        await repository.RetryLaterAsync(mail.Id, now + OutboxDispatcher.Backoff(mail.Attempts, error), error.Message, now, cancellationToken);
    }

    private static SecretContext Context(Guid mailId) => new(Purpose, Guid.Empty, mailId);
}
