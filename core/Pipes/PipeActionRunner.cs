using System.Text.Json;
using Moosermail.Core.Drafts;
using Moosermail.Core.Errors;
using Moosermail.Core.Inbox;
using Moosermail.Core.Outbound;
using Moosermail.Core.Secrets;
using Moosermail.Core.Senders;
using Moosermail.Core.Sending;
using Moosermail.Core.Templates;
using Moosermail.Core.Validation;

namespace Moosermail.Core.Pipes;

/// <summary>
/// Runs one pipe's action on one received email (§2.11). Sends go through <see cref="SendAcceptance"/> with the run
/// id as Idempotency-Key, so a retried run accepts its email once; webhooks go through the outbound guard, signed
/// with the pipe's secret, with the run id as webhook-id, so a receiver can drop a repeated delivery. An auto-reply is
/// threaded like any reply (<see cref="ThreadedReply"/>): its own Message-ID is registered in the thread with the accept.
/// </summary>
public sealed class PipeActionRunner(
    PipeRunRepository runs,
    SendAcceptance acceptance,
    SenderRepository senders,
    TemplateService templates,
    EmailComposer composer,
    OutboundHttpGuard guard,
    SecretCipher cipher,
    TimeProvider time)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<PipeRunOutcome> RunAsync(ClaimedPipeRun run, Pipe pipe, ReceivedEmail email, string text, CancellationToken cancellationToken) =>
        pipe.Action switch
        {
            PipeActions.Hide => Marked(await runs.MarkEmailAsync(run.TeamId, email.Id, hide: true, read: false, label: null, cancellationToken), "hidden"),
            PipeActions.Tag when pipe.ActionTag == "read" => Marked(await runs.MarkEmailAsync(run.TeamId, email.Id, hide: false, read: true, label: null, cancellationToken), "marked read"),
            PipeActions.Tag => Marked(await runs.MarkEmailAsync(run.TeamId, email.Id, hide: false, read: false, label: pipe.ActionTag, cancellationToken), $"labelled {pipe.ActionTag}"),
            PipeActions.Forward => await ForwardAsync(run, pipe, email, text, cancellationToken),
            PipeActions.AutoReply => await AutoReplyAsync(run, pipe, email, cancellationToken),
            PipeActions.Webhook => await WebhookAsync(run, pipe, email, text, cancellationToken),
            _ => PipeRunOutcome.Fail($"unknown action {pipe.Action}", retry: false),
        };

    private static PipeRunOutcome Marked(bool found, string detail) =>
        found ? PipeRunOutcome.Done(detail) : PipeRunOutcome.Skip("the email no longer exists");

    private async Task<PipeRunOutcome> ForwardAsync(ClaimedPipeRun run, Pipe pipe, ReceivedEmail email, string text, CancellationToken cancellationToken)
    {
        var subject = ForwardSubject(email.Subject);
        var header = $"---------- Forwarded message ---------\nFrom: {email.From}\nDate: {email.ReceivedAt:R}\nSubject: {email.Subject}\nTo: {string.Join(", ", email.To)}\n\n";
        // With strip_closers the forward carries the stripped text only: the HTML cannot be cut at the same place reliably.
        var html = pipe.StripClosers || email.Html is null ? null
            : $"<p>---------- Forwarded message ---------<br>From: {Html(email.From)}<br>Date: {email.ReceivedAt:R}<br>Subject: {Html(email.Subject)}<br>To: {Html(string.Join(", ", email.To))}</p>{email.Html}";
        var input = new SendInput { To = JsonSerializer.SerializeToElement(pipe.ActionTo), Subject = subject, Text = header + text, Html = html };
        return await AcceptAsync(run, input, cancellationToken);
    }

    private async Task<PipeRunOutcome> AutoReplyAsync(ClaimedPipeRun run, Pipe pipe, ReceivedEmail email, CancellationToken cancellationToken)
    {
        var address = FromAddress.AddressOf(email.From).ToLowerInvariant();
        if (AutoReplyRules.Refusal(address, email.Headers) is { } refusal)
        {
            return PipeRunOutcome.Skip(refusal);
        }

        var template = pipe.ActionTemplateId is { } templateId ? await templates.GetForTeamAsync(run.TeamId, templateId, cancellationToken) : null;
        if (template is null)
        {
            return PipeRunOutcome.Fail("the pipe's template no longer exists; set action_template_id", retry: false);
        }

        if (!await runs.TryTakeAutoReplySlotAsync(run.TeamId, pipe.Id, address, run.Id, time.GetUtcNow(), cancellationToken))
        {
            return PipeRunOutcome.Skip("this sender had an auto-reply from this pipe within 24 hours");
        }

        var variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["sender_name"] = DisplayName(email.From) ?? address,
            ["sender_email"] = address,
            ["original_subject"] = email.Subject,
        };
        var errors = new ValidationErrors();
        try
        {
            var reply = ThreadedReply.For(email.Id, ReplyThreading.For(email), from: null, await senders.ListForTeamAsync(run.TeamId, cancellationToken));
            var headers = new Dictionary<string, string>(reply.Headers, StringComparer.OrdinalIgnoreCase) { ["Auto-Submitted"] = "auto-replied" };
            var rendered = composer.Render(template, variables, new SendInput { To = JsonSerializer.SerializeToElement(address), Headers = headers }, time.GetUtcNow(), errors, "");
            if (rendered is null || !errors.IsEmpty)
            {
                return PipeRunOutcome.Fail("the auto-reply is not a valid email: " + string.Join("; ", errors.ByField().Select(e => $"{e.Key} {string.Join(' ', e.Value)}")), retry: false);
            }

            return await AcceptAsync(run, rendered, cancellationToken, (connection, transaction, ids, ct) => reply.LinkAsync(connection, transaction, run.TeamId, ids[0], time.GetUtcNow(), ct));
        }
        catch (OutcomeException ex)
        {
            return PipeRunOutcome.Fail(ex.Message, retry: false);
        }
    }

    private async Task<PipeRunOutcome> AcceptAsync(ClaimedPipeRun run, SendInput input, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var email = SendValidator.Validate(input, time.GetUtcNow(), errors);
        return email is null || !errors.IsEmpty
            ? PipeRunOutcome.Fail("the email is not valid: " + string.Join("; ", errors.ByField().Select(e => $"{e.Key} {string.Join(' ', e.Value)}")), retry: false)
            : await AcceptAsync(run, email, cancellationToken);
    }

    private async Task<PipeRunOutcome> AcceptAsync(ClaimedPipeRun run, ValidatedEmail email, CancellationToken cancellationToken, AcceptHook? within = null)
    {
        try
        {
            var results = await acceptance.AcceptAsync(
                new AcceptRequest(run.TeamId, "pipe-run", run.Id.ToString(), run.Id.ToString(), [new OutgoingEmail(email)]) { WithinTransaction = within },
                answer => answer.ToList(), cancellationToken);
            var result = results.Single();
            return result.Status == Emails.EmailStatus.Failed
                ? PipeRunOutcome.Fail($"email {result.Id} failed: {result.Error}", retry: false)
                : PipeRunOutcome.Done($"email {result.Id} {result.Status}");
        }
        catch (ValidationFailedException ex) when (ex.Errors?.ContainsKey("from") == true)
        {
            // No sender yet: the team may add one, so this is worth retrying.
            return PipeRunOutcome.Fail("the team has no sender: " + string.Join(' ', ex.Errors["from"]), retry: true);
        }
        catch (OutcomeException ex)
        {
            return PipeRunOutcome.Fail(ex.Message, retry: false);
        }
    }

    private async Task<PipeRunOutcome> WebhookAsync(ClaimedPipeRun run, Pipe pipe, ReceivedEmail email, string text, CancellationToken cancellationToken)
    {
        if (pipe.ActionUrl is null || !Uri.TryCreate(pipe.ActionUrl, UriKind.Absolute, out var url))
        {
            return PipeRunOutcome.Fail("the pipe has no valid action_url", retry: false);
        }

        var secret = await runs.SigningSecretAsync(run.TeamId, pipe.Id, cancellationToken);
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookPayload(email.Id, email.From, email.Subject, text, email.Html, email.ReceivedAt, pipe.Name), s_json);
        var secrets = secret is null ? [] : new[] { cipher.Decrypt(secret, PipeSecrets.Context(run.TeamId, pipe.Id)) };
        var headers = StandardWebhookSigner.Headers($"msg_{run.Id:N}", time.GetUtcNow(), body, secrets);
        var result = await guard.PostJsonAsync(url, body, headers, cancellationToken);
        return result.Succeeded
            ? PipeRunOutcome.Done($"posted, answered {result.ResponseCode}")
            : PipeRunOutcome.Fail(result.Error ?? "the receiver did not accept the post", retry: true);
    }

    /// <summary>"Fwd: " once: a subject that already starts with Fwd: or Fw: keeps its prefix.</summary>
    public static string ForwardSubject(string subject)
    {
        var trimmed = subject.TrimStart();
        return trimmed.StartsWith("fwd:", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("fw:", StringComparison.OrdinalIgnoreCase)
            ? trimmed
            : $"Fwd: {trimmed}";
    }

    private static string? DisplayName(string from)
    {
        var angle = from.IndexOf('<', StringComparison.Ordinal);
        var name = angle > 0 ? from[..angle].Trim().Trim('"').Trim() : null;
        return string.IsNullOrEmpty(name) ? null : name;
    }

    private static string Html(string value) => System.Net.WebUtility.HtmlEncode(value);

    private sealed record WebhookPayload(Guid Id, string From, string Subject, string Text, string? Html, DateTimeOffset CreatedAt, string PipeName);
}
