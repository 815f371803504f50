using System.Text.Json;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.Inbox;
using Moosermail.Core.Security;
using Moosermail.Core.Senders;
using Moosermail.Core.Sending;
using Moosermail.Core.Suppressions;

namespace Moosermail.Core.Drafts;

/// <summary>
/// POST /api/inbox/{id}/reply: answers a received email through the one accept path, threaded (In-Reply-To,
/// References, "Re: " once, its own Message-ID), quoting the original (<see cref="ReplyQuote"/>) unless asked not to,
/// and links the sent email to the received one in the same transaction, registering its Message-ID in the thread, so
/// the thread shows it and answers to it join. A reply is a send: besides inbox:write (declared on the route) the caller needs emails:send.
/// </summary>
public sealed class ReplyService(
    InboxRepository inbox,
    SenderRepository senders,
    SuppressionService suppressions,
    SendAcceptance acceptance,
    TimeProvider time,
    ILogger<ReplyService> logger)
{
    public async Task<SendResult> ReplyAsync(Caller caller, Guid receivedEmailId, ReplyInput input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        caller.Require(Permissions.EmailsSend);
        IdempotencyKeys.Check(idempotencyKey);
        var (received, threading) = await FindAsync(caller.TeamId, receivedEmailId, cancellationToken)
            ?? throw new NotFoundException("No received email with this id in your team.");
        var all = await senders.ListForTeamAsync(caller.TeamId, cancellationToken);
        var addressing = ReplyComposer.Address(received, threading, all, input.ReplyAll == true);

        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var extraCc = SendValidator.Recipients(input.Cc, "cc", errors, required: false);
        errors.ThrowIfAny();
        var from = string.IsNullOrWhiteSpace(input.From) ? addressing.From : input.From;
        var reply = ThreadedReply.For(receivedEmailId, threading, from, all);
        var (text, html) = (input.Text ?? input.Body, input.Html);
        if (input.Quote != false)
        {
            (text, html) = (ReplyQuote.Text(text, received), ReplyQuote.Html(html, received));
        }

        var send = new SendInput
        {
            To = JsonSerializer.SerializeToElement(addressing.To),
            Cc = JsonSerializer.SerializeToElement(addressing.Cc.Concat(extraCc).Distinct(StringComparer.OrdinalIgnoreCase).ToList()),
            From = from,
            Subject = addressing.Subject,
            Text = text,
            Html = html,
            Headers = reply.Headers,
        };
        var email = SendValidator.Validate(send, now, errors);
        errors.ThrowIfAny();
        await suppressions.RefuseSuppressedAsync(caller.TeamId, [email!], batch: false, cancellationToken);

        var request = new AcceptRequest(caller.TeamId, $"reply:{receivedEmailId}", idempotencyKey, JsonSerializer.Serialize(input, ApiJson.Options), [new OutgoingEmail(email!)])
        {
            WithinTransaction = (connection, transaction, ids, ct) => reply.LinkAsync(connection, transaction, caller.TeamId, ids[0], now, ct),
        };
        var result = await acceptance.AcceptAsync(request, results => results[0], cancellationToken);
        logger.LogInformation("Reply {EmailId} to received email {ReceivedEmailId} in team {TeamId}: {Status}", result.Id, receivedEmailId, caller.TeamId, result.Status);
        return result;
    }

    /// <summary>The received email and how to thread a reply to it; null when it is missing or another team's.</summary>
    public async Task<(ReceivedEmail Email, ReplyThreading Threading)?> FindAsync(Guid teamId, Guid receivedEmailId, CancellationToken cancellationToken) =>
        await inbox.GetAsync(teamId, receivedEmailId, cancellationToken) is { } email
        && await inbox.ReplyThreadingAsync(teamId, receivedEmailId, cancellationToken) is { } threading
            ? (email, threading)
            : null;
}
