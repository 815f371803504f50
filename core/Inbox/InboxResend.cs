using System.Security.Cryptography;
using System.Text;
using Moosermail.Core.Errors;
using Moosermail.Core.Resend;
using Moosermail.Core.Secrets;
using Moosermail.Core.Senders;
using Moosermail.Core.Sending;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Inbox;

/// <summary>Which key to try first for one received email: the sender that found or read it before, and where it was sent.</summary>
public sealed record EmailKeyHint(Guid? SenderId, IReadOnlyList<string> Recipients);

/// <summary>
/// Calls Resend's receiving endpoints with a team's sender keys (each decrypted for one call, never kept), paced like
/// sends. A team may hold keys of several Resend accounts and only the account that received an email can read it,
/// so <see cref="CallForEmailAsync{T}"/> tries the likeliest key first and each other distinct key once when Resend says
/// "not found" or refuses the key.
/// A team without a key, or keys that no longer decrypt, come back as a transient error so the job waits for the team
/// to fix it instead of throwing.
/// </summary>
public sealed class InboxResend(SenderService senders, SenderRepository senderList, ResendClient resend, ResendPacer pacer)
{
    public const string NoSender = "no_sender";

    /// <summary>One call with the key of <paramref name="senderId"/> (or the team's default).</summary>
    public async Task<ResendResult<T>> CallAsync<T>(Guid teamId, Func<ResendClient, string, Task<ResendResult<T>>> call, CancellationToken cancellationToken, Guid? senderId = null)
        where T : class
    {
        try
        {
            return await senders.UseKeyAsync(teamId, senderId, (sender, apiKey) => PacedAsync(sender, apiKey, call, cancellationToken), cancellationToken);
        }
        catch (SenderUnavailableException) when (!cancellationToken.IsCancellationRequested)
        {
            return NoSenderFailure<T>();
        }
        catch (SecretDecryptionException)
        {
            return KeyUnreadable<T>();
        }
    }

    /// <summary>
    /// Reads one received email's data with the key that can: the sender of <paramref name="hint"/> first, then senders
    /// on a domain the email was sent to, the default, the rest. Resend's "not found" or a key refusal moves on to the next
    /// distinct key (two senders may share one); any other failure stops, for the job to retry. Returns the sender
    /// whose key answered, or null with the most hopeful refusal ("not found", which may clear, before a key refusal).
    /// </summary>
    public async Task<(ResendResult<T> Result, Guid? SenderId)> CallForEmailAsync<T>(
        Guid teamId, EmailKeyHint hint, Func<ResendClient, string, Task<ResendResult<T>>> call, CancellationToken cancellationToken)
        where T : class
    {
        var domains = hint.Recipients.Select(DomainOf).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var ordered = (await senderList.ListForTeamAsync(teamId, cancellationToken))
            .OrderBy(s => s.Id == hint.SenderId ? 0 : DomainOf(s.FromAddress) is { } d && domains.Contains(d) ? 1 : s.IsDefault ? 2 : 3)
            .ToList();
        var used = new HashSet<string>(StringComparer.Ordinal);
        ResendResult<T>? refused = null;
        var unreadable = false;
        foreach (var sender in ordered)
        {
            ResendResult<T>? result;
            try
            {
                result = await senders.UseKeyAsync<ResendResult<T>?>(teamId, sender.Id, async (s, apiKey) =>
                    used.Add(Fingerprint(apiKey)) ? await PacedAsync(s, apiKey, call, cancellationToken) : null, cancellationToken);
            }
            catch (SenderUnavailableException) when (!cancellationToken.IsCancellationRequested)
            {
                continue; // deleted since the list was read
            }
            catch (SecretDecryptionException)
            {
                unreadable = true;
                continue;
            }

            if (result is null)
            {
                continue; // the same key as a sender already tried
            }

            if (result.Error is not { StatusCode: 404 or 401 or 403 })
            {
                return (result, sender.Id);
            }

            refused = refused is { Error.StatusCode: 404 } ? refused : result;
        }

        return (refused ?? (unreadable ? KeyUnreadable<T>() : NoSenderFailure<T>()), null);
    }

    /// <summary>
    /// The team's senders with one sender per distinct key (default first, then oldest), for walks that should visit each
    /// Resend account once. Keys are compared by a hash held only for this call.
    /// </summary>
    public async Task<IReadOnlyList<Sender>> DistinctKeySendersAsync(Guid teamId, CancellationToken cancellationToken)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var distinct = new List<Sender>();
        foreach (var sender in (await senderList.ListForTeamAsync(teamId, cancellationToken)).OrderBy(s => s.IsDefault ? 0 : 1).ThenBy(s => s.CreatedAt))
        {
            try
            {
                if (await senders.UseKeyAsync(teamId, sender.Id, (_, apiKey) => Task.FromResult(used.Add(Fingerprint(apiKey))), cancellationToken))
                {
                    distinct.Add(sender);
                }
            }
            catch (Exception ex) when (ex is SenderUnavailableException or SecretDecryptionException)
            {
                // Deleted meanwhile, or a key that no longer decrypts: nothing to walk with it.
            }
        }

        return distinct;
    }

    private async Task<ResendResult<T>> PacedAsync<T>(Sender sender, string apiKey, Func<ResendClient, string, Task<ResendResult<T>>> call, CancellationToken cancellationToken)
        where T : class
    {
        await pacer.WaitForSlotAsync(sender.Id, cancellationToken);
        var result = await call(resend, apiKey);
        await pacer.LearnAsync(sender.Id, result.RateLimit, result.Error?.RetryAfter, cancellationToken);
        return result;
    }

    private static string Fingerprint(string apiKey) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    private static string? DomainOf(string address)
    {
        var bare = FromAddress.Normalize(address) is { } normalized ? FromAddress.AddressOf(normalized) : address.Trim();
        var at = bare.LastIndexOf('@');
        return at < 0 || at == bare.Length - 1 ? null : bare[(at + 1)..].TrimEnd('>');
    }

    private static ResendResult<T> NoSenderFailure<T>()
        where T : class =>
        ResendResult<T>.Failure(
            new ResendError(null, NoSender, "This team has no Resend key to read received mail with; add one with POST /api/keys.", true, null), ResendRateLimit.None);

    private static ResendResult<T> KeyUnreadable<T>()
        where T : class =>
        ResendResult<T>.Failure(
            new ResendError(null, "key_unreadable", "The team's Resend key cannot be decrypted with the configured ENCRYPTION_KEY(s).", true, null), ResendRateLimit.None);
}
