using System.Text;
using System.Text.Json;
using Moosermail.Core.Contacts;
using Moosermail.Core.Emails;
using Moosermail.Core.Errors;
using Moosermail.Core.OutboundWebhooks;
using Moosermail.Core.Sending;
using Moosermail.Core.Suppressions;
using Moosermail.Core.Templates;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Triggers;

public sealed record FireTriggerInput(JsonElement? To, IReadOnlyDictionary<string, JsonElement>? Variables, string? ToTag);

public sealed record FireFailure(string To, string Reason);

/// <summary>The answer to a team member: which recipients were skipped and why.</summary>
public sealed record FireResult(int Sent, int Failed, IReadOnlyList<Guid> Ids, IReadOnlyList<FireFailure> Failures);

/// <summary>The answer to a key holder: counts and email ids, never an address or why one was skipped.</summary>
public sealed record AnonymousFireResult(int Sent, int Failed, IReadOnlyList<Guid> Ids);

/// <summary>
/// Fires a trigger: its template is rendered for each recipient — one email each — and accepted through the
/// outbox. Two callers, two capabilities. A key holder (<see cref="FireAsync"/>, POST /api/trigger/{key}) reaches
/// only the trigger's default_to, or addresses in its allowed_recipient_domains, and learns counts only. A team
/// member with emails:send (<see cref="FireAsMemberAsync"/>) may also name any recipient or a contact tag. Either
/// way every email counts against the trigger's per-minute limit, and unsubscribed or suppressed recipients are skipped.
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
    public const int MaxVariablesBytes = 32 * 1024;
    public const int MaxVariableValueBytes = 4 * 1024;

    /// <summary>The public fire route: the key names the trigger (and so the team). The answer holds no address.</summary>
    public async Task<AnonymousFireResult> FireAsync(string key, FireTriggerInput input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var trigger = await triggers.FindByKeyAsync(key, cancellationToken) ?? throw new NotFoundException("No trigger has this key.");
        return await FireAsync(trigger, input, idempotencyKey, keyHolder: true,
            (ok, failures) => new AnonymousFireResult(ok.Count, failures.Count, ok), cancellationToken);
    }

    /// <summary>POST /api/triggers/{id}/fire for a member with emails:send; not found when missing or another team's.</summary>
    public async Task<FireResult> FireAsMemberAsync(Guid teamId, Guid triggerId, FireTriggerInput input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var trigger = await triggers.GetFiringAsync(teamId, triggerId, cancellationToken) ?? throw new NotFoundException("No trigger with this id in your team.");
        return await FireAsync(trigger, input, idempotencyKey, keyHolder: false,
            (ok, failures) => new FireResult(ok.Count, failures.Count, ok, failures), cancellationToken);
    }

    private async Task<TAnswer> FireAsync<TAnswer>(
        FiringTrigger trigger, FireTriggerInput input, string? idempotencyKey, bool keyHolder,
        Func<IReadOnlyList<Guid>, IReadOnlyList<FireFailure>, TAnswer> shape, CancellationToken cancellationToken)
    {
        if (!trigger.Enabled)
        {
            throw new ForbiddenException("This trigger is disabled. Enable it with PUT /api/triggers/{id} {\"enabled\": true}.");
        }

        IdempotencyKeys.Check(idempotencyKey);
        CheckVariables(input.Variables);
        var now = time.GetUtcNow();
        var recipients = await RecipientsAsync(trigger, input, keyHolder, cancellationToken);
        // Separate scopes: a key holder replaying a member's Idempotency-Key must not get the member's detailed answer.
        var scope = keyHolder ? $"trigger:{trigger.Id}" : $"trigger-member:{trigger.Id}";
        RequireFits(trigger, recipients.Count);
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
        TAnswer Answer(IReadOnlyList<SendResult> results)
        {
            var failures = skippedFailures.Concat(results.Where(r => r.Status == EmailStatus.Failed).Select(r => new FireFailure(r.Id.ToString(), r.Error ?? EmailStatus.Failed))).ToList();
            return shape(results.Where(r => r.Status != EmailStatus.Failed).Select(r => r.Id).ToList(), failures);
        }

        if (outgoing.Count == 0)
        {
            return Answer([]);
        }

        // Only emails about to be accepted use the allowance: a fire refused before this point (no template, a
        // missing variable) or a recipient skipped above counts nothing, and a fire the accept path refuses gives
        // its count back.
        var counted = await CountEmailsAsync(trigger, outgoing.Count, scope, idempotencyKey, now, cancellationToken);
        try
        {
            // trigger.fired commits with the emails, which takes a transaction (two more round trips); a team none of whose
            // endpoints subscribes to it (read with the trigger) would record nothing, so its fire is one statement. An
            // endpoint subscribing between that read and this accept starts with the next fire.
            return await acceptance.AcceptAsync(new AcceptRequest(trigger.TeamId, scope, idempotencyKey, JsonSerializer.Serialize(input, ApiJson.Options), outgoing)
            {
                WithinTransaction = trigger.FiredSubscribed
                    ? OutboundEvents.TriggerFired(trigger.TeamId, trigger.Id, trigger.Name, trigger.TemplateId, keyHolder ? "key" : "member", skippedFailures.Count, now)
                    : null,
            }, Answer, cancellationToken);
        }
        catch when (counted is { } window)
        {
            await triggers.UncountEmailsAsync(trigger.Id, window, outgoing.Count, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Variables are the caller's text inside the team's template: too large past <see cref="MaxVariablesBytes"/> in all,
    /// unprocessable (naming the variable) past <see cref="MaxVariableValueBytes"/> for one value (UTF-8 bytes of the JSON).
    /// </summary>
    private static void CheckVariables(IReadOnlyDictionary<string, JsonElement>? variables)
    {
        if (variables is null)
        {
            return;
        }

        var total = 0;
        var tooLong = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            var size = Encoding.UTF8.GetByteCount(value.GetRawText());
            total += Encoding.UTF8.GetByteCount(name) + size;
            if (size > MaxVariableValueBytes)
            {
                tooLong[$"variables.{name}"] = [$"is {size} bytes; a variable may hold at most {MaxVariableValueBytes}."];
            }
        }

        if (total > MaxVariablesBytes)
        {
            throw new PayloadTooLargeException($"The variables take {total} bytes; a trigger accepts at most {MaxVariablesBytes} in all.");
        }

        if (tooLong.Count > 0)
        {
            throw new UnprocessableException("A variable is too long for a trigger.") { Errors = tooLong };
        }
    }

    private async Task<IReadOnlyList<(string Email, IReadOnlyDictionary<string, object?> Variables)>> RecipientsAsync(FiringTrigger trigger, FireTriggerInput input, bool keyHolder, CancellationToken cancellationToken)
    {
        var variables = input.Variables?.ToDictionary(v => v.Key, v => (object?)v.Value, StringComparer.Ordinal) ?? [];
        if (!string.IsNullOrWhiteSpace(input.ToTag))
        {
            if (keyHolder)
            {
                throw new ForbiddenException("A trigger key fires to the trigger's own recipients; to_tag reaches contacts and needs a team member: POST /api/triggers/{id}/fire with a session or an mk_ key holding emails:send.");
            }

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

        var given = input.To is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } to ? to : (JsonElement?)null;
        if (given is not null && keyHolder && trigger.AllowedRecipientDomains.Length == 0)
        {
            throw new ForbiddenException("This trigger sends only to its own recipient (default_to); a trigger key cannot choose one. To let it, set allowed_recipient_domains on the trigger.");
        }

        var recipients = given
            ?? (trigger.DefaultTo is { } fallback ? JsonSerializer.SerializeToElement(fallback)
            : throw new ValidationFailedException("to", "is required: this trigger has no default_to. Give to, or to_tag to reach contacts with a tag."));
        var errors = new ValidationErrors();
        var parsed = SendValidator.Validate(new SendInput { To = recipients, Subject = "-", Body = "-" }, time.GetUtcNow(), errors);
        errors.ThrowIfAny();
        if (parsed!.To.Count > MaxRecipients)
        {
            throw new ValidationFailedException("to", $"has {parsed.To.Count} recipients; a trigger fires to at most {MaxRecipients}.");
        }

        if (given is not null && keyHolder)
        {
            var outside = parsed.To.Where(r => TriggerRules.Domain(AddressDomain(r)) is not { } domain || !trigger.AllowedRecipientDomains.Contains(domain, StringComparer.Ordinal)).ToList();
            if (outside.Count > 0)
            {
                throw new ValidationFailedException("to", $"may only hold addresses at {string.Join(", ", trigger.AllowedRecipientDomains)}; {outside.Count} of the recipients are elsewhere.");
            }
        }

        return parsed.To.Select(email => (email, (IReadOnlyDictionary<string, object?>)variables)).ToList();
    }

    private static string AddressDomain(string recipient)
    {
        var address = FromAddress.AddressOf(recipient);
        return address[(address.LastIndexOf('@') + 1)..];
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

    /// <summary>Unprocessable when the fire has more recipients than the trigger's limit: it could never fit a minute.</summary>
    private static void RequireFits(FiringTrigger trigger, int emails)
    {
        var limit = trigger.RateLimitPerMinute;
        if (emails > limit)
        {
            throw new UnprocessableException($"This fire has {emails} recipients, more than the trigger's limit of {limit} emails a minute. Raise rate_limit_per_minute (at most {TriggerRules.MaxRateLimitPerMinute}) or fire in parts.");
        }
    }

    /// <summary>
    /// Counts this fire's emails in the trigger's current minute, only if they fit under rate_limit_per_minute:
    /// a refused fire uses none of the allowance, and neither does a retry with an Idempotency-Key already used
    /// (it gets the first answer back, or a conflict, and sends nothing). Rate limited (with Retry-After) when they
    /// do not fit this minute. Returns the minute counted in, or null when nothing was counted (a repeat).
    /// </summary>
    private async Task<DateTimeOffset?> CountEmailsAsync(FiringTrigger trigger, int emails, string scope, string? idempotencyKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limit = trigger.RateLimitPerMinute;
        if (idempotencyKey is not null && await triggers.IsRepeatAsync(trigger.TeamId, scope, idempotencyKey, now - IdempotencyClaim.Retention, cancellationToken))
        {
            return null;
        }

        var window = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        if (!await triggers.TryCountEmailsAsync(trigger.Id, window, emails, limit, cancellationToken))
        {
            throw new RateLimitedException($"This trigger sends at most {limit} emails a minute.", window.AddMinutes(1) - now);
        }

        return window;
    }
}
