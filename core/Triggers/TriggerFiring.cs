using System.Text.Json;
using Moosermail.Core.Contacts;
using Moosermail.Core.Emails;
using Moosermail.Core.Errors;
using Moosermail.Core.Sending;
using Moosermail.Core.Suppressions;
using Moosermail.Core.Templates;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Triggers;

public sealed record FireTriggerInput(JsonElement? To, IReadOnlyDictionary<string, JsonElement>? Variables, string? ToTag);

public sealed record FireFailure(string To, string Reason);

public sealed record FireResult(int Sent, int Failed, IReadOnlyList<Guid> Ids, IReadOnlyList<FireFailure> Failures);

/// <summary>
/// POST /api/trigger/{key}: the key names the trigger (and so the team); the trigger's template is
/// rendered for each recipient — one email each — and accepted through the outbox. Unsubscribed
/// contacts are skipped and reported.
/// </summary>
public sealed class TriggerFiring(
    TriggerRepository triggers,
    TemplateService templates,
    EmailComposer content,
    ContactService contacts,
    SuppressionRepository suppressions,
    SendAcceptance acceptance,
    TimeProvider time)
{
    public const int MaxRecipients = 50;
    public const int MaxFanOut = 1000;

    public async Task<FireResult> FireAsync(string key, FireTriggerInput input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var trigger = await triggers.FindByKeyAsync(key, cancellationToken) ?? throw new NotFoundException("No trigger has this key.");
        if (!trigger.Enabled)
        {
            throw new ForbiddenException("This trigger is disabled. Enable it with PUT /api/triggers/{id} {\"enabled\": true}.");
        }

        var now = time.GetUtcNow();
        var recipients = await RecipientsAsync(trigger, input, cancellationToken);
        await CountFireAsync(trigger, now, cancellationToken);
        var template = await templates.GetForTeamAsync(trigger.TeamId, trigger.TemplateId, cancellationToken)
            ?? throw new ConflictException("The trigger's template no longer exists.");

        var skipped = await SkippedAsync(trigger.TeamId, recipients.Select(r => r.Email).ToList(), cancellationToken);
        var errors = new ValidationErrors();
        var outgoing = recipients.Where(r => !skipped.ContainsKey(r.Email))
            .Select(r => content.Render(template, r.Variables, new SendInput { To = JsonSerializer.SerializeToElement(r.Email) }, now, errors, ""))
            .Select(email => new OutgoingEmail(email!, trigger.TemplateId, trigger.Id))
            .ToList();
        errors.ThrowIfAny();

        var skippedFailures = recipients.Where(r => skipped.ContainsKey(r.Email)).Select(r => new FireFailure(r.Email, skipped[r.Email])).ToList();
        FireResult Answer(IReadOnlyList<SendResult> results)
        {
            var failures = skippedFailures.Concat(results.Where(r => r.Status == EmailStatus.Failed).Select(r => new FireFailure(r.Id.ToString(), r.Error ?? EmailStatus.Failed))).ToList();
            var ok = results.Where(r => r.Status != EmailStatus.Failed).ToList();
            return new FireResult(ok.Count, failures.Count, ok.Select(r => r.Id).ToList(), failures);
        }

        return outgoing.Count == 0 ? Answer([])
            : await acceptance.AcceptAsync(new AcceptRequest(trigger.TeamId, $"trigger:{trigger.Id}", idempotencyKey, JsonSerializer.Serialize(input, ApiJson.Options), outgoing), Answer, cancellationToken);
    }

    private async Task<IReadOnlyList<(string Email, IReadOnlyDictionary<string, object?> Variables)>> RecipientsAsync(FiringTrigger trigger, FireTriggerInput input, CancellationToken cancellationToken)
    {
        var variables = input.Variables?.ToDictionary(v => v.Key, v => (object?)v.Value, StringComparer.Ordinal) ?? [];
        if (!string.IsNullOrWhiteSpace(input.ToTag))
        {
            var tagged = await contacts.ListSubscribedByTagAsync(trigger.TeamId, input.ToTag.Trim(), cancellationToken);
            if (tagged.Count > MaxFanOut)
            {
                throw new ValidationFailedException("to_tag", $"matches {tagged.Count} contacts; a trigger may fan out to at most {MaxFanOut}.");
            }

            // Each contact's own email and name are available to the template unless the caller set them.
            return tagged.Select(c => (c.Email, (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(variables, StringComparer.Ordinal)
            {
                ["email"] = variables.GetValueOrDefault("email") ?? c.Email,
                ["name"] = variables.GetValueOrDefault("name") ?? c.Name,
            })).ToList();
        }

        var to = input.To is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given ? given
            : trigger.DefaultTo is { } fallback ? JsonSerializer.SerializeToElement(fallback)
            : throw new ValidationFailedException("to", "is required: this trigger has no default_to. Give to, or to_tag to reach contacts with a tag.");
        var errors = new ValidationErrors();
        var parsed = SendValidator.Validate(new SendInput { To = to, Subject = "-", Body = "-" }, time.GetUtcNow(), errors);
        errors.ThrowIfAny();
        return parsed!.To.Count > MaxRecipients
            ? throw new ValidationFailedException("to", $"has {parsed.To.Count} recipients; a trigger fires to at most {MaxRecipients}.")
            : parsed.To.Select(email => (email, (IReadOnlyDictionary<string, object?>)variables)).ToList();
    }

    /// <summary>Recipients who get no trigger mail, with why: unsubscribed contacts and suppressed addresses.</summary>
    private async Task<Dictionary<string, string>> SkippedAsync(Guid teamId, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        var bare = recipients.ToDictionary(r => r, r => FromAddress.AddressOf(r).ToLowerInvariant(), StringComparer.OrdinalIgnoreCase);
        var suppressed = await suppressions.FindSuppressedAsync(teamId, bare.Values.Distinct().ToList(), cancellationToken);
        var unsubscribed = (await content.UnsubscribedAsync(teamId, recipients, cancellationToken)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var skipped = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (recipient, address) in bare)
        {
            if (suppressed.TryGetValue(address, out var reason))
            {
                skipped[recipient] = $"suppressed ({reason})";
            }
            else if (unsubscribed.Contains(address))
            {
                skipped[recipient] = "unsubscribed";
            }
        }

        return skipped;
    }

    /// <summary>Counts this fire in the trigger's current minute; <see cref="RateLimitedException"/> (until the next minute) past rate_limit_per_minute.</summary>
    private async Task CountFireAsync(FiringTrigger trigger, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (trigger.RateLimitPerMinute is not { } limit)
        {
            return;
        }

        var window = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        if (await triggers.CountFireAsync(trigger.Id, window, cancellationToken) > limit)
        {
            throw new RateLimitedException($"This trigger fires at most {limit} times a minute.", window.AddMinutes(1) - now);
        }
    }
}
