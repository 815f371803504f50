using Moosermail.Core.Errors;
using Moosermail.Core.Resend;
using Moosermail.Core.Secrets;
using Moosermail.Core.Senders;
using Moosermail.Core.Sending;

namespace Moosermail.Core.Inbox;

/// <summary>
/// Calls Resend's receiving endpoints with the team's default sender key (decrypted for this one call, never kept),
/// paced like sends. A team without a key, or a key that no longer decrypts, comes back as a transient error so the
/// job waits for the team to fix it instead of throwing.
/// </summary>
public sealed class InboxResend(SenderService senders, ResendClient resend, ResendPacer pacer)
{
    public const string NoSender = "no_sender";

    public async Task<ResendResult<T>> CallAsync<T>(Guid teamId, Func<ResendClient, string, Task<ResendResult<T>>> call, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await senders.UseKeyAsync(teamId, null, async (sender, apiKey) =>
            {
                await pacer.WaitForSlotAsync(sender.Id, cancellationToken);
                var result = await call(resend, apiKey);
                await pacer.LearnAsync(sender.Id, result.RateLimit, result.Error?.RetryAfter, cancellationToken);
                return result;
            }, cancellationToken);
        }
        catch (SenderUnavailableException) when (!cancellationToken.IsCancellationRequested)
        {
            return ResendResult<T>.Failure(
                new ResendError(null, NoSender, "This team has no Resend key to read received mail with; add one with POST /api/keys.", true, null), ResendRateLimit.None);
        }
        catch (SecretDecryptionException)
        {
            return ResendResult<T>.Failure(
                new ResendError(null, "key_unreadable", "The team's Resend key cannot be decrypted with the configured ENCRYPTION_KEY(s).", true, null), ResendRateLimit.None);
        }
    }
}
