using System.Text.Json;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Suppressions;

namespace Moosermail.Core.Sending;

/// <summary>The answer to POST /api/send/batch: one result per email, in request order.</summary>
public sealed record BatchResult(IReadOnlyList<SendResult> Data);

/// <summary>
/// POST /api/send and /api/send/batch: validates the request (composing template mail), refuses suppressed
/// recipients, and hands the emails to <see cref="SendAcceptance"/>, the one accept path.
/// </summary>
public sealed class SendService(EmailComposer composer, SuppressionService suppressions, SendAcceptance acceptance, TimeProvider time)
{
    public const int MaxBatch = 100;

    /// <summary>The email's result: sent (Resend accepted it now), queued or scheduled (in the outbox), or failed (Resend refused it).</summary>
    public async Task<SendResult> SendAsync(Caller caller, SendInput input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        CheckKey(idempotencyKey, errors);
        var (email, templateId) = await composer.ValidateAsync(caller.TeamId, input, time.GetUtcNow(), errors, "", cancellationToken);
        errors.ThrowIfAny();
        await suppressions.RefuseSuppressedAsync(caller.TeamId, [email!], batch: false, cancellationToken);
        var request = new AcceptRequest(caller.TeamId, "send", idempotencyKey, Canonical(input), [new OutgoingEmail(email!, templateId)]);
        return await acceptance.AcceptAsync(request, results => results[0], cancellationToken);
    }

    public async Task<BatchResult> SendBatchAsync(Caller caller, BatchInput input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var messages = input.Emails ?? [];
        if (messages.Count is 0 or > MaxBatch)
        {
            errors.Add("emails", $"must hold 1 to {MaxBatch} emails.");
        }

        CheckKey(idempotencyKey, errors);
        errors.ThrowIfAny();
        var outgoing = new List<OutgoingEmail>();
        for (var i = 0; i < messages.Count; i++)
        {
            var (email, templateId) = await composer.ValidateAsync(caller.TeamId, messages[i], now, errors, $"emails[{i}].", cancellationToken);
            outgoing.Add(new OutgoingEmail(email!, templateId, FieldPrefix: $"emails[{i}]."));
        }

        errors.ThrowIfAny();
        await suppressions.RefuseSuppressedAsync(caller.TeamId, outgoing.Select(o => o.Email).ToList(), batch: true, cancellationToken);
        var request = new AcceptRequest(caller.TeamId, "batch", idempotencyKey, Canonical(input), outgoing);
        return await acceptance.AcceptAsync(request, results => new BatchResult(results), cancellationToken);
    }

    private static string Canonical<T>(T input) => JsonSerializer.Serialize(input, ApiJson.Options);

    private static void CheckKey(string? key, ValidationErrors errors)
    {
        if (key is not null && (key.Length is 0 or > IdempotencyClaim.MaxKeyLength))
        {
            errors.Add("Idempotency-Key", $"must be 1 to {IdempotencyClaim.MaxKeyLength} characters.");
        }
    }
}
