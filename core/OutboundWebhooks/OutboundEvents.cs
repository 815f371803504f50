using System.Text.Json;
using Dapper;
using Moosermail.Core.Inbox;
using Moosermail.Core.Sending;
using Npgsql;

namespace Moosermail.Core.OutboundWebhooks;

/// <summary>
/// Records an event for the team's outbound webhooks. Call <see cref="RecordAsync"/> inside the transaction of the
/// change (like AuditLog), so the event exists exactly when the change does. It writes nothing unless an enabled
/// endpoint of the team subscribes to the type, so teams without outbound webhooks pay one indexed read.
/// Statements that create many rows at once (contacts collected from recipients, a CSV import) record their events in
/// the same statement with the SQL function <c>outbound_contact_payload</c>; the received_emails insert runs
/// <c>outbound_record</c> (migration 0130) as one more statement of its command, with <see cref="ReceivedEmail"/>'s payload.
/// </summary>
public static class OutboundEvents
{
    public const string EmailReceived = "email.received";
    public const string TriggerFiredType = "trigger.fired";

    /// <summary>The body every endpoint receives: <c>{type, created_at, data}</c>, snake_case like the rest of the API.</summary>
    public static string Payload(string type, DateTimeOffset createdAt, object data) =>
        JsonSerializer.Serialize(new { type, created_at = createdAt, data }, ApiJson.Options);

    /// <returns>How many deliveries were queued (0 when no endpoint subscribes).</returns>
    public static Task<int> RecordAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid teamId, string type, object data, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            SELECT outbound_record(@TeamId, @Type, @EventId, @Payload, @Now)
            """,
            new { TeamId = teamId, Type = type, EventId = Guid.CreateVersion7(now), Payload = Payload(type, now, data), Now = now },
            transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// The id and body of the <c>email.received</c> event for a received email stored as <paramref name="id"/>: its
    /// metadata (the content is fetched afterwards: GET /api/inbox/{id}). The inbox's insert records it with
    /// <c>outbound_record</c> only when it stored a new row, so the webhook and the backfill meeting one email emit it once.
    /// </summary>
    public static (Guid EventId, string Payload) ReceivedEmail(Guid id, NewReceivedEmail email, DateTimeOffset now) =>
        (Guid.CreateVersion7(now), Payload(EmailReceived, now, new
        {
            id,
            resend_id = email.ResendId,
            from = email.From,
            to = email.To,
            cc = email.Cc,
            subject = email.Subject,
            message_id = email.MessageId,
            attachments = email.Attachments,
            received_at = email.ReceivedAt ?? now,
        }));

    /// <summary>
    /// <c>trigger.fired</c> for an accepted fire, as the accept's <see cref="AcceptRequest.WithinTransaction"/> hook: it
    /// commits with the emails or not at all, and a replayed Idempotency-Key (nothing accepted) records nothing.
    /// </summary>
    /// <param name="firedBy"><c>key</c> (POST /api/trigger/{key}) or <c>member</c> (POST /api/triggers/{id}/fire).</param>
    /// <param name="skipped">Recipients left out (unsubscribed or suppressed).</param>
    public static AcceptHook TriggerFired(Guid teamId, Guid triggerId, string triggerName, Guid templateId, string firedBy, int skipped, DateTimeOffset now) =>
        (connection, transaction, emailIds, cancellationToken) => RecordAsync(connection, transaction, teamId, TriggerFiredType, new
        {
            trigger_id = triggerId,
            trigger_name = triggerName,
            template_id = templateId,
            fired_by = firedBy,
            email_ids = emailIds,
            emails = emailIds.Count,
            skipped,
            fired_at = now,
        }, now, cancellationToken);
}
