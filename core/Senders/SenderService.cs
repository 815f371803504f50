using Microsoft.Extensions.Logging;
using Moosermail.Core.Audit;
using Moosermail.Core.Errors;
using Moosermail.Core.Resend;
using Moosermail.Core.Secrets;
using Moosermail.Core.Security;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Senders;

/// <summary>
/// A team's Resend keys. A key is checked live against Resend, encrypted before it reaches the database,
/// and decrypted only inside <see cref="UseKeyAsync{T}"/>, for the duration of one Resend call.
/// </summary>
public sealed class SenderService(SenderRepository senders, SecretCipher cipher, ResendClient resend, TimeProvider time, ILogger<SenderService> logger)
{
    public const int MaxNameLength = 100;

    public async Task<Sender> CreateAsync(Caller caller, CreateSenderRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var apiKey = ValidApiKey(request.ApiKey, errors, required: true);
        var from = ValidFrom(request.FromAddress, errors, required: true);
        var name = ValidName(request.Name, errors) ?? from;
        errors.ThrowIfAny();

        await CheckWithResendAsync(apiKey!, cancellationToken);
        var id = Guid.NewGuid();
        var sender = await senders.InsertAsync(caller.TeamId, id, name!, from!, Hint(apiKey!), Encrypt(apiKey!, caller.TeamId, id),
            AuditEntry.By(caller, AuditActions.SenderAdded, "sender", id.ToString(), new { name, from_address = from, hint = Hint(apiKey!) }), time.GetUtcNow(), cancellationToken);
        logger.LogInformation("Sender {SenderId} added to team {TeamId}", id, caller.TeamId);
        return sender;
    }

    public Task<IReadOnlyList<Sender>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        senders.ListForTeamAsync(caller.TeamId, cancellationToken);

    public async Task<Sender> UpdateAsync(Caller caller, Guid id, UpdateSenderRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var apiKey = ValidApiKey(request.ApiKey, errors, required: false);
        var from = ValidFrom(request.FromAddress, errors, required: false);
        var name = ValidName(request.Name, errors);
        if (request.IsDefault == false)
        {
            errors.Add("is_default", "can only be set to true; make another sender the default instead.");
        }

        errors.ThrowIfAny();
        if (apiKey is not null)
        {
            await CheckWithResendAsync(apiKey, cancellationToken);
        }

        var updated = await senders.UpdateAsync(caller.TeamId, id, name, from, apiKey is null ? null : Hint(apiKey),
            apiKey is null ? null : Encrypt(apiKey, caller.TeamId, id), request.IsDefault == true,
            apiKey is null ? null : AuditEntry.By(caller, AuditActions.SenderRotated, "sender", id.ToString(), new { hint = Hint(apiKey) }), time.GetUtcNow(), cancellationToken);
        return updated ?? throw NotFound();
    }

    public async Task DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        if (!await senders.DeleteAsync(caller.TeamId, id, AuditEntry.By(caller, AuditActions.SenderDeleted, "sender", id.ToString()), time.GetUtcNow(), cancellationToken))
        {
            throw NotFound();
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/> with the decrypted key of the sender (or the team's default). The key
    /// lives only for the call: it is never cached, logged or returned.
    /// </summary>
    /// <exception cref="SenderUnavailableException">The sender is gone (or the team has none).</exception>
    public async Task<T> UseKeyAsync<T>(Guid teamId, Guid? senderId, Func<Sender, string, Task<T>> call, CancellationToken cancellationToken)
    {
        var found = await senders.GetWithKeyAsync(teamId, senderId, cancellationToken)
            ?? throw new SenderUnavailableException(senderId is null
                ? "This team has no Resend key yet. Add one with POST /api/keys {api_key, from_address}."
                : "The sender was deleted.");
        var apiKey = cipher.Decrypt(found.EncryptedApiKey, new SecretContext(SecretContext.ResendApiKey, teamId, found.Sender.Id));
        return await call(found.Sender, apiKey);
    }

    private async Task CheckWithResendAsync(string apiKey, CancellationToken cancellationToken)
    {
        var result = await resend.ListDomainsAsync(apiKey, cancellationToken: cancellationToken);
        if (result.IsSuccess || result.Error is { Name: "restricted_api_key" })
        {
            return; // a sending-only key is valid for what we do with it
        }

        var error = result.Error!;
        if (error.IsRateLimited)
        {
            // Resend's rate limit, not a broken key or a broken Resend: the caller retries after Resend's wait.
            throw new RateLimitedException(
                $"Resend is rate limiting this API key, so it could not be checked and nothing was stored. Retry after {Math.Max(1, (int)Math.Ceiling((error.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds))} seconds.",
                error.RetryAfter ?? TimeSpan.FromSeconds(1));
        }

        if (error.IsTransient)
        {
            throw new UpstreamFailedException("Could not reach Resend to check the API key, so nothing was stored. Try again shortly.");
        }

        throw new ValidationFailedException("api_key", $"Resend rejected this API key ({error.Name}). Check the key in the Resend dashboard and try again.");
    }

    private string Encrypt(string apiKey, Guid teamId, Guid senderId) =>
        cipher.Encrypt(apiKey, new SecretContext(SecretContext.ResendApiKey, teamId, senderId));

    private static string Hint(string apiKey) => $"re_…{apiKey[^4..]}";

    private static NotFoundException NotFound() => new NotFoundException("No sender with this id in your team.");

    private static string? ValidApiKey(string? value, ValidationErrors errors, bool required)
    {
        var key = value?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            if (required)
            {
                errors.Add("api_key", "is required: a Resend API key, starting with re_.");
            }

            return null;
        }

        if (!key.StartsWith("re_", StringComparison.Ordinal) || key.Length < 8 || key.Length > 200 || key.Any(char.IsWhiteSpace))
        {
            errors.Add("api_key", "must be a valid Resend API key (starts with re_).");
            return null;
        }

        return key;
    }

    private static string? ValidFrom(string? value, ValidationErrors errors, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors.Add("from_address", "is required, as addr@domain or Name <addr@domain>.");
            }

            return null;
        }

        var from = FromAddress.Normalize(value);
        if (from is null)
        {
            errors.Add("from_address", "must be addr@domain or Name <addr@domain>.");
        }

        return from;
    }

    private static string? ValidName(string? value, ValidationErrors errors)
    {
        var name = value?.Trim();
        if (name is { Length: > MaxNameLength })
        {
            errors.Add("name", $"must be at most {MaxNameLength} characters.");
        }

        return string.IsNullOrEmpty(name) ? null : name;
    }
}
