namespace Moosermail.Core.Audit;

/// <summary>The action names written to <c>audit_events.action</c>: one list, so filters and docs match the writers.</summary>
public static class AuditActions
{
    public const string TeamCreated = "team.created";
    public const string TeamRenamed = "team.renamed";
    public const string TeamTransferred = "team.transferred";
    public const string TeamDeleted = "team.deleted";
    public const string MemberInvited = "member.invited";
    public const string MemberInvitationRevoked = "member.invitation_revoked";
    public const string MemberJoined = "member.joined";
    public const string MemberRoleChanged = "member.role_changed";
    public const string MemberRemoved = "member.removed";
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";
    public const string SenderAdded = "sender.added";
    public const string SenderRotated = "sender.rotated";
    public const string SenderDeleted = "sender.deleted";
    public const string WebhookSecretSet = "webhook_secret.set";
    public const string WebhookSecretRotated = "webhook_secret.rotated";
    public const string TriggerKeyRotated = "trigger_key.rotated";
    public const string CronJobCreated = "cron_job.created";
    public const string CronJobUpdated = "cron_job.updated";
    public const string CronJobDeleted = "cron_job.deleted";
    public const string PipeCreated = "pipe.created";
    public const string PipeUpdated = "pipe.updated";
    public const string PipeDeleted = "pipe.deleted";
    public const string OutboundWebhookCreated = "outbound_webhook.created";
    public const string OutboundWebhookUpdated = "outbound_webhook.updated";
    public const string OutboundWebhookDeleted = "outbound_webhook.deleted";
    public const string OutboundWebhookSecretRotated = "outbound_webhook.secret_rotated";
    public const string OutboundWebhookDisabled = "outbound_webhook.disabled";
}
