using System.Text.Json;
using Microsoft.Extensions.Logging;
using Moosermail.Core.Errors;
using Moosermail.Core.Security;
using Moosermail.Core.Senders;
using Moosermail.Core.Sending;
using Moosermail.Core.Suppressions;

namespace Moosermail.Core.Drafts;

/// <summary>
/// Drafts stored on the server (drafts:write). A draft may be a reply to a received email: it starts addressed as
/// the reply would be, and is sent threaded. Sending goes through the one accept path and marks the draft sent in
/// the same transaction, so a draft gives at most one email however often, and however concurrently, it is sent;
/// sending needs emails:send as well.
/// </summary>
public sealed class DraftService(
    DraftRepository drafts,
    ReplyService replies,
    SenderRepository senders,
    SuppressionService suppressions,
    SendAcceptance acceptance,
    TimeProvider time,
    ILogger<DraftService> logger)
{
    public const int MaxListed = 200;

    /// <summary>Unsent drafts a team may keep; sent ones do not count and are pruned after <see cref="SentRetention"/>.</summary>
    public const int MaxUnsentPerTeam = 1000;

    /// <summary>How long a sent draft stays readable (GET /api/drafts/{id}) before the DataRetention timer deletes it.</summary>
    public static readonly TimeSpan SentRetention = TimeSpan.FromDays(30);

    public async Task<Draft> CreateAsync(Caller caller, DraftInput input, CancellationToken cancellationToken)
    {
        var all = await senders.ListForTeamAsync(caller.TeamId, cancellationToken);
        var now = time.GetUtcNow();
        var draft = new Draft { Id = Guid.NewGuid(), CreatedBy = caller.UserId, CreatedAt = now, UpdatedAt = now };
        if (input.ReplyToInboxId is { } inboxId)
        {
            var (received, threading) = await replies.FindAsync(caller.TeamId, inboxId, cancellationToken)
                ?? throw new NotFoundException("No received email with this id in your team (reply_to_inbox_id).");
            var addressing = ReplyComposer.Address(received, threading, all, replyAll: false);
            draft = draft with { ReplyToInboxId = inboxId, To = [.. addressing.To], From = addressing.From, Subject = addressing.Subject };
        }

        var created = await drafts.InsertAsync(caller.TeamId, DraftRules.Apply(draft, input, all), MaxUnsentPerTeam, cancellationToken)
            ?? throw new ConflictException($"This team has {MaxUnsentPerTeam} unsent drafts, the most it may keep. Send or delete some (GET /api/drafts) before saving another.");
        logger.LogInformation("Draft {DraftId} created in team {TeamId}", created.Id, caller.TeamId);
        return created;
    }

    public Task<IReadOnlyList<Draft>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        drafts.ListForTeamAsync(caller.TeamId, MaxListed, cancellationToken);

    public async Task<Draft> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await drafts.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();

    public async Task<Draft> UpdateAsync(Caller caller, Guid id, DraftInput input, CancellationToken cancellationToken)
    {
        if (input.ReplyToInboxId is not null)
        {
            throw new ValidationFailedException("reply_to_inbox_id", "is set when the draft is created; create a new draft to answer another email.");
        }

        var current = await drafts.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();
        if (current.SentAt is not null)
        {
            throw Sent(current);
        }

        var changed = DraftRules.Apply(current, input, await senders.ListForTeamAsync(caller.TeamId, cancellationToken)) with { UpdatedAt = time.GetUtcNow() };
        return await drafts.UpdateAsync(caller.TeamId, changed, current.UpdatedAt, cancellationToken)
            ?? throw new ConflictException("This draft was changed, sent or deleted while this update ran; GET it and try again.");
    }

    public async Task DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        if (!await drafts.DeleteAsync(caller.TeamId, id, cancellationToken))
        {
            throw NotFound();
        }
    }

    /// <summary>
    /// Sends the draft as it is now. A repeated Idempotency-Key returns the first answer; any other second send of the
    /// same draft is a conflict naming the email it became.
    /// </summary>
    public async Task<SendResult> SendAsync(Caller caller, Guid id, string? idempotencyKey, CancellationToken cancellationToken)
    {
        caller.Require(Permissions.EmailsSend);
        IdempotencyKeys.Check(idempotencyKey);
        var draft = await drafts.GetAsync(caller.TeamId, id, cancellationToken) ?? throw NotFound();
        if (draft.SentAt is not null && idempotencyKey is null)
        {
            throw Sent(draft);
        }

        var threading = draft.ReplyToInboxId is { } inboxId ? await replies.FindAsync(caller.TeamId, inboxId, cancellationToken) : null;
        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var (text, html, reply) = (draft.Text, draft.Html, (ThreadedReply?)null);
        if (threading is { Email: var original, Threading: var t })
        {
            reply = ThreadedReply.For(original.Id, t, draft.From, await senders.ListForTeamAsync(caller.TeamId, cancellationToken));
            (text, html) = draft.Quote ? (ReplyQuote.Text(text, original), ReplyQuote.Html(html, original)) : (text, html);
        }

        var email = SendValidator.Validate(new SendInput
        {
            To = JsonSerializer.SerializeToElement(draft.To),
            Cc = JsonSerializer.SerializeToElement(draft.Cc),
            Bcc = JsonSerializer.SerializeToElement(draft.Bcc),
            From = draft.From,
            Subject = draft.Subject,
            Text = text,
            Html = html,
            Headers = reply?.Headers,
        }, now, errors);
        errors.ThrowIfAny();
        await suppressions.RefuseSuppressedAsync(caller.TeamId, [email!], batch: false, cancellationToken);

        var request = new AcceptRequest(caller.TeamId, $"draft:{id}", idempotencyKey, id.ToString(), [new OutgoingEmail(email!)])
        {
            WithinTransaction = async (connection, transaction, ids, ct) =>
            {
                await DraftRepository.MarkSentAsync(connection, transaction, caller.TeamId, id, draft.UpdatedAt, ids[0], now, ct);
                if (reply is not null)
                {
                    await reply.LinkAsync(connection, transaction, caller.TeamId, ids[0], now, ct);
                }
            },
        };
        var result = await acceptance.AcceptAsync(request, results => results[0], cancellationToken);
        logger.LogInformation("Draft {DraftId} sent as {EmailId} in team {TeamId}: {Status}", id, result.Id, caller.TeamId, result.Status);
        return result;
    }

    private static ConflictException Sent(Draft draft) =>
        new("This draft was already sent; a draft sends once. Follow it with GET /api/emails/{id}.")
        {
            Extensions = new Dictionary<string, object?> { ["email_id"] = draft.SentEmailId },
        };

    private static NotFoundException NotFound() => new("No draft with this id in your team.");
}
